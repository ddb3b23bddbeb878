"""Every user-facing string, in English and 简体中文.

``t("home.title", "zh")`` looks a string up. PyTorch names stay as code in
both languages (``张量 (tensor)``, ``requires_grad``). A test fails if a key
lacks a language or the two disagree on their ``{placeholders}``.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "STRINGS", "t"]

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}

# key: (English, 简体中文)
_TABLE: dict[str, tuple[str, str]] = {
    # -- app frame ---------------------------------------------------------
    "app.title": ("PyTorch Playground", "PyTorch 演练场"),
    "nav.home": ("Home", "首页"),
    "nav.tensors": ("Tensors", "张量 (Tensors)"),
    "nav.broadcasting": ("Broadcasting, cat & stack", "广播、cat 与 stack"),
    "nav.autograd": ("Autograd", "自动求导 (Autograd)"),
    "nav.data": ("Data", "数据 (Data)"),
    "nav.layers": ("Model layers", "模型层 (Layers)"),
    "nav.training": ("Training", "训练 (Training)"),
    "nav.save_load": ("Save & load", "保存与加载"),
    "sidebar.settings": ("Settings", "设置"),
    "sidebar.device": ("Device", "设备 (device)"),
    "sidebar.device_help": (
        "Where tensors are created and computed. Only devices that exist on this server are listed.",
        "张量在哪个设备上创建和计算。这里只列出本服务器上实际存在的设备。",
    ),
    "sidebar.seed": ("Seed", "随机种子 (seed)"),
    "sidebar.seed_help": (
        "Passed to torch.manual_seed: the same seed gives the same random numbers.",
        "传给 torch.manual_seed：相同的种子得到相同的随机数。",
    ),
    "sidebar.new_seed": ("New seed", "换一个种子"),
    "sidebar.language": ("Language", "语言"),
    "sidebar.share": (
        "The address bar holds these settings: copy it to share this exact setup.",
        "地址栏保存了这些设置：复制链接，别人打开即可看到完全相同的设置。",
    ),
    "device.fallback": ("{message}", "{message}"),
    "code.title": ("Show the code", "查看代码"),
    "code.caption": (
        "Plain PyTorch that reproduces the result above with the current settings.",
        "用当前设置复现上面结果的纯 PyTorch 代码。",
    ),
    "error.title": ("That didn't work", "出错了"),
    "error.torch": ("PyTorch's own message", "PyTorch 的原始报错"),
    "coming.soon": (
        "This chapter is coming in the next release. Here is what it will let you do:",
        "本章将在下一个版本中推出。届时你可以：",
    ),
    "coming.tutorial": (
        "It follows the official tutorial chapter “{chapter}”.",
        "内容对应官方教程的“{chapter}”一章。",
    ),
    # -- home ----------------------------------------------------------------
    "home.title": ("Learn PyTorch by doing", "动手学 PyTorch"),
    "home.intro": (
        "Every page runs real PyTorch on the device you pick in the sidebar and draws the result. "
        "The path follows the official “Learn the Basics” tutorial and the 60-minute blitz.",
        "每一页都会在你于侧边栏选择的设备上运行真实的 PyTorch，并把结果画出来。"
        "学习路线对应官方的 “Learn the Basics” 教程和 “60 分钟闪电入门”。",
    ),
    "home.path": ("The learning path", "学习路线"),
    "home.chapter": ("Chapter {n}", "第 {n} 章"),
    "home.open": ("Open", "打开"),
    "home.env": ("This environment", "当前环境"),
    "home.torch": ("torch", "torch"),
    "home.torchvision": ("torchvision", "torchvision"),
    "home.threads": ("CPU threads", "CPU 线程数"),
    "home.threads_value": ("{threads} of {cores} cores", "{threads} / {cores} 个核心"),
    "home.cuda": ("CUDA", "CUDA"),
    "home.cuda_none": ("no CUDA device", "没有 CUDA 设备"),
    "home.mps": ("MPS (Apple)", "MPS (Apple)"),
    "home.datasets": ("Datasets available offline", "可离线使用的数据集"),
    "home.dataset": ("Dataset", "数据集"),
    "home.offline": ("Offline", "离线可用"),
    "home.where": ("Where / why", "位置 / 原因"),
    "home.yes": ("yes", "是"),
    "home.no": ("no", "否"),
    # -- chapter blurbs (Home cards and coming-soon pages) --------------------
    "blurb.tensors": (
        "Create tensors, see their memory, index, reshape and do arithmetic.",
        "创建张量，查看其内存布局，练习索引、变形与运算。",
    ),
    "blurb.broadcasting": (
        "Watch the broadcasting rule step by step; join tensors with cat and stack.",
        "逐步看清广播规则；用 cat 与 stack 拼接张量。",
    ),
    "blurb.autograd": (
        "See the real graph autograd builds, run backward and check the gradients.",
        "查看 autograd 真正构建的计算图，运行 backward 并验证梯度。",
    ),
    "blurb.data": (
        "Datasets, transforms and DataLoader batches you can see.",
        "可视化的 Dataset、transforms 与 DataLoader 批次。",
    ),
    "blurb.layers": (
        "Build a network layer by layer and trace real shapes through it.",
        "逐层搭建网络，并追踪数据在其中的真实形状。",
    ),
    "blurb.training": (
        "The optimization loop, live: loss curves, one step in slow motion.",
        "实时运行优化循环：损失曲线，慢动作演示单步更新。",
    ),
    "blurb.save_load": (
        "state_dict, safe checkpoints, resume and inference.",
        "state_dict、安全的检查点、断点续训与推理。",
    ),
    "plan.data": (
        "Browse FashionMNIST or an offline dataset; try transforms v2; see DataLoader batches.",
        "浏览 FashionMNIST 或离线数据集；试用 transforms v2；观察 DataLoader 的批次。",
    ),
    "plan.layers": (
        "Build nn.Sequential models, trace shapes, look inside Linear, Conv2d and Softmax.",
        "搭建 nn.Sequential 模型，追踪形状，深入 Linear、Conv2d 与 Softmax 内部。",
    ),
    "plan.training": (
        "Run the tutorial's train_loop and test_loop live, and step through one optimizer step.",
        "实时运行教程中的 train_loop 与 test_loop，并逐步观察一次优化器更新。",
    ),
    "plan.save_load": (
        "Save state_dict as .pth or safetensors, load uploads safely with weights_only=True.",
        "把 state_dict 保存为 .pth 或 safetensors，并用 weights_only=True 安全加载上传的文件。",
    ),
}

STRINGS: dict[str, dict[str, str]] = {key: {"en": en, "zh": zh} for key, (en, zh) in _TABLE.items()}


def t(key: str, lang: str = "en", /, **values: object) -> str:
    """The string for ``key`` in ``lang`` (English if the language is unknown), formatted."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
