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
    "sidebar.cpu": (
        "cpu · PyTorch uses {n} thread(s) per session",
        "cpu · 每个会话 PyTorch 使用 {n} 个线程",
    ),
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
    # -- tensors page ------------------------------------------------------------
    "tensors.intro": (
        "A tensor is PyTorch's array: values plus a shape, a dtype and a device. "
        "Here you create them, see how they sit in memory, and operate on them.",
        "张量 (tensor) 是 PyTorch 的数组：数值，加上形状 (shape)、数据类型 (dtype) 和设备 (device)。"
        "在这里创建张量，查看它们在内存中的布局，并对它们进行运算。",
    ),
    "tab.create": ("Create", "创建"),
    "tab.index": ("Index & slice", "索引与切片"),
    "tab.views": ("Views & reshaping", "视图与变形"),
    "tab.arith": ("Arithmetic", "运算"),
    "tab.inplace": ("In-place", "原地操作"),
    "tab.numpy": ("NumPy bridge", "与 NumPy 互通"),
    "tab.devices": ("Devices", "设备"),
    "create.creator": ("Create with", "创建方式"),
    "create.data": ("Data (a nested list)", "数据（嵌套列表）"),
    "create.shape": ("Shape", "形状 (shape)"),
    "create.dtype": ("dtype", "数据类型 (dtype)"),
    "create.like_dtype": ("dtype of the source tensor", "源张量的 dtype"),
    "create.fill": ("Fill value", "填充值"),
    "create.grad": ("requires_grad", "requires_grad"),
    "create.rand_like_note": (
        "rand_like keeps the source's dtype unless you override it, and random floats in [0, 1) "
        "cannot be stored in an integer tensor: PyTorch refuses. Pick a floating dtype to fix it.",
        "rand_like 默认沿用源张量的 dtype；[0, 1) 之间的随机浮点数无法存入整数张量，所以 PyTorch 会报错。"
        "选择一个浮点 dtype 即可解决。",
    ),
    "create.empty_note": (
        "torch.empty does not initialise memory: the values are whatever was there before.",
        "torch.empty 不会初始化内存：里面的值是这块内存原来残留的内容。",
    ),
    "create.slice": ("Index of dim {dim}", "第 {dim} 维的索引"),
    "create.blocks": ("3-D block view of the first three dims", "前三个维度的三维方块视图"),
    "attr.name": ("Attribute", "属性"),
    "attr.value": ("Value", "值"),
    "index.input": ("Index", "索引"),
    "index.help": (
        "Python indexing on t: [0], [:, 1], [..., -1], [:2, -1], [1:3, :], or a mask like [t > 5].",
        "对 t 使用 Python 索引：[0]、[:, 1]、[..., -1]、[:2, -1]、[1:3, :]，或布尔掩码 [t > 5]。",
    ),
    "index.value": ("Assign the value", "赋值为"),
    "index.selected": ("t, with the selected cells outlined", "t（被选中的元素已框出）"),
    "index.result": ("t{index} → shape {shape}", "t{index} → 形状 {shape}"),
    "index.assigned": ("After t{index} = {value}", "执行 t{index} = {value} 之后"),
    "views.shape": ("Shape of t", "t 的形状"),
    "views.op": ("Operation (pick or type)", "操作（选择或输入）"),
    "views.shares": ("Shares memory with t", "与 t 共享内存"),
    "views.contiguous": ("Contiguous", "内存连续"),
    "views.stride": ("stride()", "stride()"),
    "views.copy": (
        "The result is a copy: new memory, so changing it does not change t.",
        "结果是一份拷贝：新的内存，修改它不会影响 t。",
    ),
    "views.explain_view": (
        "view() never copies, so it needs the elements in an order that strides can describe. "
        "After a transpose or permute they are not: call .contiguous() first (a copy), or use "
        ".reshape(), which copies only when it must.",
        "view() 从不复制数据，所以要求元素的排列能用步长 (stride) 描述。转置或 permute 之后就不行了："
        "先调用 .contiguous()（会复制），或者使用 .reshape()——它只在必要时才复制。",
    ),
    "views.minus_one": ("-1 was inferred as {value}.", "-1 被推断为 {value}。"),
    "arith.sizes": ("Sizes: A is (n, k), B is (k, m)", "尺寸：A 为 (n, k)，B 为 (k, m)"),
    "arith.cell": ("Output cell (i, j)", "输出元素 (i, j)"),
    "arith.formula": (
        "C[{i}, {j}] = row {i} of A · column {j} of B = {terms} = {value}",
        "C[{i}, {j}] = A 的第 {i} 行 · B 的第 {j} 列 = {terms} = {value}",
    ),
    "arith.elementwise": (
        "Element-wise: A * A (same shape, cell by cell)",
        "逐元素相乘：A * A（形状相同，逐个元素）",
    ),
    "arith.reduce": ("Reductions", "归约 (reduction)"),
    "arith.op": ("Operation", "操作"),
    "arith.dim": ("dim", "dim"),
    "arith.keepdim": ("keepdim", "keepdim"),
    "arith.item": (
        "item() turns a one-element tensor into a Python number: ",
        "item() 把只有一个元素的张量变成 Python 数字：",
    ),
    "arith.item_error": (
        "On a tensor with more elements it fails:",
        "对多个元素的张量调用则会报错：",
    ),
    "inplace.op": ("In-place operation", "原地操作"),
    "inplace.before": ("Before", "之前"),
    "inplace.after": ("After (same memory: {same})", "之后（同一块内存：{same}）"),
    "inplace.autograd": (
        "In-place changes can destroy values autograd saved for backward. PyTorch notices and refuses:",
        "原地修改可能破坏 autograd 为反向传播保存的值。PyTorch 会检测到并报错：",
    ),
    "numpy.intro": (
        "On the CPU, t.numpy() and torch.from_numpy(n) share memory: change one and the other changes.",
        "在 CPU 上，t.numpy() 与 torch.from_numpy(n) 共享内存：改动其中一个，另一个也随之改变。",
    ),
    "numpy.after": (
        "After t.add_(1) and np.add(n, 1, out=n):",
        "执行 t.add_(1) 和 np.add(n, 1, out=n) 之后：",
    ),
    "numpy.op": ("Operation", "操作"),
    "numpy.shares": ("Still shares memory with n", "仍与 n 共享内存"),
    "devices.n": ("Matrix size n (n × n @ n × n)", "矩阵大小 n（n × n @ n × n）"),
    "devices.run": ("Time it", "计时"),
    "devices.device": ("Device", "设备"),
    "devices.matmul": ("matmul (ms)", "矩阵乘法 (ms)"),
    "devices.copy": ("copy from CPU (ms)", "从 CPU 拷贝 (ms)"),
    "devices.note": (
        "Timings use a warm-up run and synchronize, because GPU work is asynchronous. "
        "Copying across devices costs time too: keep data where it is computed.",
        "计时前先预热一次并调用 synchronize，因为 GPU 运算是异步的。"
        "跨设备拷贝也要花时间：让数据留在计算它的设备上。",
    ),
    "devices.cpu_only": (
        "This server has no accelerator, so only the CPU is timed.",
        "此服务器没有加速器，因此只对 CPU 计时。",
    ),
    "devices.moved": (
        "torch.ones(3).to({device}) → device {result}",
        "torch.ones(3).to({device}) → 设备 {result}",
    ),
    # -- broadcasting page ---------------------------------------------------------
    "bc.intro": (
        "When shapes differ, PyTorch lines them up from the right, pads the shorter one with 1s, "
        "and stretches every size-1 dimension, without copying memory.",
        "当形状不同时，PyTorch 从右侧对齐，把较短的形状在左边补 1，再把所有大小为 1 的维度“拉伸”，"
        "整个过程不复制内存。",
    ),
    "tab.broadcast": ("Broadcasting", "广播"),
    "tab.cat": ("cat", "cat"),
    "tab.stack": ("stack", "stack"),
    "tab.split": ("split & chunk", "split 与 chunk"),
    "bc.shapes": ("Shapes (two or three)", "形状（两个或三个）"),
    "bc.step_dim": ("dim", "维度"),
    "bc.step_sizes": ("sizes (padded)", "大小（补齐后）"),
    "bc.step_rule": ("rule", "规则"),
    "bc.step_result": ("result", "结果"),
    "bc.rule.equal": ("equal", "相等"),
    "bc.rule.stretch 1": ("stretch the 1s", "拉伸大小为 1 的维度"),
    "bc.rule.incompatible": ("incompatible", "不兼容"),
    "bc.result": ("Result shape: {shape}", "结果形状：{shape}"),
    "bc.pad": ("Padded with 1s on the left: {padded}", "在左侧补 1 之后：{padded}"),
    "bc.expand": (
        "expand makes a view with stride 0: no copy. repeat really copies.",
        "expand 生成步长为 0 的视图，不复制；repeat 会真的复制数据。",
    ),
    "bc.expand_row": (
        "{op}: shape {shape}, stride {stride}, memory {bytes} bytes, shares storage: {shares}",
        "{op}：形状 {shape}，步长 {stride}，内存 {bytes} 字节，共享存储：{shares}",
    ),
    "cat.shapes": ("Tensor shapes", "各张量的形状"),
    "cat.dim": ("dim", "dim"),
    "cat.result": ("torch.{op}(…, dim={dim}) → {shape}", "torch.{op}(…, dim={dim}) → {shape}"),
    "cat.torch_says": ("PyTorch says: {message}", "PyTorch 报错：{message}"),
    "cat.examples": ("The tutorial's examples", "教程中的例子"),
    "stack.same": (
        "stack equals unsqueeze + cat: {same}",
        "stack 等于 unsqueeze 之后再 cat：{same}",
    ),
    "stack.compare": (
        "On the same inputs: cat gives {cat}, stack gives {stack}.",
        "同样的输入：cat 得到 {cat}，stack 得到 {stack}。",
    ),
    "split.shape": ("Shape of t", "t 的形状"),
    "split.size": ("split_size", "split_size"),
    "split.chunks": ("chunks", "chunks"),
    "split.pieces": (
        "torch.split(t, {size}, dim={dim}) → {shapes}",
        "torch.split(t, {size}, dim={dim}) → {shapes}",
    ),
    "split.parts": (
        "torch.chunk(t, {chunks}, dim={dim}) → {shapes}",
        "torch.chunk(t, {chunks}, dim={dim}) → {shapes}",
    ),
    "split.inverse": (
        "torch.cat(pieces, dim={dim}) gives t back: {same}",
        "torch.cat(pieces, dim={dim}) 还原出 t：{same}",
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
    "home.server": (
        "This server now: {running} training(s) running, {waiting} waiting, {held} run(s) held "
        "in memory.",
        "本服务器当前：{running} 个训练正在运行，{waiting} 个在排队，内存中保留 {held} 个训练。",
    ),
    "home.datasets": ("Datasets available offline", "可离线使用的数据集"),
    "home.dataset": ("Dataset", "数据集"),
    "home.offline": ("Offline", "离线可用"),
    "home.where": ("Where / why", "位置 / 原因"),
    "home.yes": ("yes", "是"),
    "home.no": ("no", "否"),
    # -- Autograd ----------------------------------------------------------------
    "ag.intro": (
        "torch.autograd records every operation on tensors that require grad, as a graph of "
        "grad_fn nodes. backward() walks that graph from the output to the leaves and fills "
        "each leaf's .grad. Everything below is the graph PyTorch really built.",
        "torch.autograd 会把对 requires_grad 张量的每个运算记录成由 grad_fn 节点组成的图。"
        "backward() 从输出沿着这张图走到叶子节点，并填好每个叶子的 .grad。下面展示的都是 "
        "PyTorch 实际构建的图。",
    ),
    "ag.tab.graph": ("Graph & backward", "计算图与反向传播"),
    "ag.tab.concepts": ("Concepts, live", "核心概念（实时演示）"),
    "ag.tab.descent": ("Gradient descent by hand", "手写梯度下降"),
    "ag.preset": ("Start from", "从这里开始"),
    "ag.preset.tutorial": ("Tutorial: one-layer net with BCE loss", "教程：单层网络 + BCE 损失"),
    "ag.preset.blitz": ("Blitz: out = mean(3 (x + 2)²)", "60 分钟入门：out = mean(3 (x + 2)²)"),
    "ag.preset.mlp": ("A small MLP forward pass", "一个小型 MLP 的前向传播"),
    "ag.preset.mse": ("MSE on a tiny dataset", "小数据集上的 MSE"),
    "ag.program": ("Program: one `name = expression` per line", "程序：每行一个 `名字 = 表达式`"),
    "ag.program_help": (
        "Use torch.* and F.* functions. Give leaves requires_grad=True. The last line is the "
        "output that backward() starts from.",
        "可以使用 torch.* 与 F.* 函数。给叶子张量加上 requires_grad=True。最后一行是输出，"
        "backward() 从它开始。",
    ),
    "ag.backward": ("Call backward()", "调用 backward()"),
    "ag.graph_caption": (
        "Op nodes: {ops}. Leaves: {leaves}. Arrows follow next_functions, the direction "
        "backward() runs; labels are tensor shapes. Hover a node for its value and gradient. "
        "{skipped} inputs need no gradient and are not in the graph.",
        "运算节点：{ops} 个；叶子：{leaves} 个。箭头沿 next_functions 方向，也就是 backward() 的"
        "方向；标签是张量形状。把鼠标移到节点上可看到它的值和梯度。有 {skipped} 个输入不需要"
        "梯度，因此不在图中。",
    ),
    "ag.nonscalar": (
        "The output has {n} elements, so backward() needs a vector v: like the blitz, v = ones.",
        "输出有 {n} 个元素，因此 backward() 需要一个向量 v：和 60 分钟入门一样，取 v = ones。",
    ),
    "ag.grads": ("Gradients of the leaves (.grad)", "叶子节点的梯度 (.grad)"),
    "ag.check": ("Numerical check", "数值检验"),
    "ag.check_caption": (
        "Central differences in float64 against autograd in float64, on {checked} of {total} "
        "elements.",
        "在 float64 下用中心差分与 autograd (float64) 对比，检查了 {total} 个元素中的 {checked} 个。",
    ),
    "ag.check_run": (
        "Run the check ({n} statement evaluations)",
        "运行数值检验（需要计算 {n} 条语句）",
    ),
    "ag.check_metric": ("max |autograd − numerical|", "max |autograd − 数值|"),
    "ag.check_ok": ("Autograd agrees with the numerical gradient.", "autograd 与数值梯度一致。"),
    "ag.check_bad": (
        "The two differ by more than 1e-6: a non-smooth point (relu at 0, abs, round) can do that.",
        "两者相差超过 1e-6：不光滑的点（0 处的 relu、abs、round）可能导致这种情况。",
    ),
    "ag.no_leaves": (
        "No leaf has requires_grad=True, so backward() has nothing to fill.",
        "没有叶子张量设置 requires_grad=True，backward() 无处可写。",
    ),
    "ag.flags": (
        "requires_grad spreads; leaves have no grad_fn",
        "requires_grad 会传播；叶子没有 grad_fn",
    ),
    "ag.flags_text": (
        "A result requires grad if any input does. Tensors you create are leaves: grad_fn is None.",
        "只要有一个输入需要梯度，结果就需要梯度。你直接创建的张量是叶子：grad_fn 为 None。",
    ),
    "ag.leaf": (".grad lives on leaves", ".grad 只保存在叶子上"),
    "ag.leaf_text": (
        "After backward, w.grad is filled. y = w * 2 is not a leaf: y.grad is None and PyTorch warns:",
        "backward 之后 w.grad 有值。y = w * 2 不是叶子：y.grad 为 None，PyTorch 会警告：",
    ),
    "ag.leaf_retained": (
        "With y.retain_grad(), y.grad is kept:",
        "调用 y.retain_grad() 后，y.grad 被保留：",
    ),
    "ag.accumulate": ("Gradients accumulate", "梯度会累加"),
    "ag.accumulate_text": (
        "Two backward() calls add up in .grad; that is why training loops call zero_grad().",
        "两次 backward() 的结果会在 .grad 中相加；这就是训练循环要调用 zero_grad() 的原因。",
    ),
    "ag.first": ("after 1st backward", "第 1 次 backward 后"),
    "ag.second": ("after 2nd backward", "第 2 次 backward 后"),
    "ag.zeroed": ("after grad.zero_()", "grad.zero_() 之后"),
    "ag.retain": ("The graph is freed after backward", "backward 之后计算图会被释放"),
    "ag.retain_text": (
        "A second backward() through the same graph raises PyTorch's error; retain_graph=True "
        "keeps the graph, and the two gradients add up to:",
        "对同一张图第二次调用 backward() 会报错；retain_graph=True 会保留计算图，两次梯度相加为：",
    ),
    "ag.nograd": ("torch.no_grad() and detach()", "torch.no_grad() 与 detach()"),
    "ag.nograd_text": (
        "Inside no_grad nothing is recorded: use it for inference and for updating weights by "
        "hand. detach() shares memory but leaves the graph: use it for frozen parameters and "
        "for plotting.",
        "在 no_grad 中不会记录任何运算：推理和手动更新权重时使用。detach() 共享内存但脱离计算图："
        "用于冻结参数和绘图。",
    ),
    "ag.vjp": ("Vector-Jacobian products", "向量-雅可比积"),
    "ag.vjp_text": (
        "y is not a scalar, so y.backward(v) computes Jᵀv without ever building J. Here is the "
        "full Jacobian from torch.autograd.functional.jacobian, and the check that Jᵀv equals "
        "x.grad.",
        "y 不是标量，y.backward(v) 计算 Jᵀv，而不会真的构造 J。下面是用 "
        "torch.autograd.functional.jacobian 求出的完整雅可比矩阵，并验证 Jᵀv 等于 x.grad。",
    ),
    "ag.vjp_diff": (
        "max |Jᵀv − x.grad| = {diff:.2e}, after {n} doublings",
        "max |Jᵀv − x.grad| = {diff:.2e}，共翻倍 {n} 次",
    ),
    "ag.dynamic": ("The graph is dynamic", "计算图是动态的"),
    "ag.dynamic_text": (
        "The blitz's loop doubles y while its norm is below 1000, so the number of ops depends "
        "on the data. Each run records its own graph:",
        "60 分钟入门中的循环在 y 的范数小于 1000 时不断翻倍，所以运算次数取决于数据。"
        "每次运行都会记录自己的计算图：",
    ),
    "ag.scale": ("Scale of x", "x 的缩放"),
    "ag.run_ops": ("x × {scale}: {n} MulBackward0 nodes", "x × {scale}：{n} 个 MulBackward0 节点"),
    "ag.gd_text": (
        "Fit y = w·x + b to 12 noisy points: loss.backward(), then w -= lr * w.grad under "
        "torch.no_grad(), then zero the gradients. The star is the exact least-squares answer.",
        "用 y = w·x + b 拟合 12 个带噪声的点：loss.backward()，然后在 torch.no_grad() 中执行 "
        "w -= lr * w.grad，再把梯度清零。星号是最小二乘的精确解。",
    ),
    "ag.lr": ("Learning rate lr", "学习率 lr"),
    "ag.steps": ("Steps", "步数"),
    "ag.diverged": (
        "Diverged at step {step}: the loss grew without bound (it would be inf or NaN next). "
        "lr = {lr} is too large for this problem; try below 1.",
        "在第 {step} 步发散：损失无限增长（接下来会变成 inf 或 NaN）。lr = {lr} 对这个问题太大了，"
        "试试小于 1 的值。",
    ),
    "ag.final": ("final w, b", "最终 w, b"),
    "ag.best": ("least squares w, b", "最小二乘 w, b"),
    "ag.final_loss": ("final loss", "最终损失"),
    # -- Data ----------------------------------------------------------------------
    "data.offline_title": ("Offline shapes (built in, synthetic)", "离线形状数据集（内置、合成）"),
    "data.intro": (
        "A Dataset stores samples and their labels; a DataLoader wraps it in an iterable of "
        "batches. Transforms turn raw images into the tensors a model wants.",
        "Dataset 保存样本及其标签；DataLoader 把它包装成按批次迭代的对象。Transforms 把原始图像"
        "变成模型需要的张量。",
    ),
    "data.dataset": ("Dataset", "数据集"),
    "data.split_train": ("Training split (train=True)", "训练集 (train=True)"),
    "data.facts": (
        "{n:,} images of shape {shape}, {classes} classes, {mb:.1f} MB in memory, decoded once and "
        "shared read-only by every session on this server.",
        "{n:,} 张形状为 {shape} 的图像，{classes} 个类别，占内存 {mb:.1f} MB；只在服务器上解码一次，"
        "所有会话只读共享。",
    ),
    "data.missing": ("This dataset is not on the server yet.", "服务器上还没有这个数据集。"),
    "data.download": ("Download it", "下载"),
    "data.use_offline": ("Use the offline dataset", "改用离线数据集"),
    "data.downloading": (
        "Downloading {name} (once for the whole server)…",
        "正在下载 {name}（整个服务器只下载一次）…",
    ),
    "data.desc.offline": (
        "A synthetic dataset, not a real one: ten shape classes drawn with Pillow at random "
        "position, size, rotation, stroke and fill, plus pixel noise, all from a seed. 10,000 "
        "training and 2,000 test images of 28×28 grey pixels, like FashionMNIST.",
        "这是合成数据集，不是真实数据：用 Pillow 按随机位置、大小、旋转、线宽和填充画出十类形状，"
        "再加上像素噪声，全部由随机种子决定。训练集 10,000 张、测试集 2,000 张，28×28 灰度，"
        "与 FashionMNIST 相同。",
    ),
    "data.desc.FashionMNIST": (
        "Zalando's 28×28 grey photos of clothes, the tutorial's dataset: 60,000 train, 10,000 test.",
        "Zalando 的 28×28 灰度服装图片，也就是教程使用的数据集：训练 60,000 张，测试 10,000 张。",
    ),
    "data.desc.MNIST": (
        "Handwritten digits, 28×28 grey: 60,000 train, 10,000 test.",
        "手写数字，28×28 灰度：训练 60,000 张，测试 10,000 张。",
    ),
    "data.desc.CIFAR10": (
        "The blitz's dataset: 32×32 colour photos in 10 classes, 50,000 train, 10,000 test.",
        "60 分钟入门使用的数据集：10 类 32×32 彩色照片，训练 50,000 张，测试 10,000 张。",
    ),
    "data.tab.browse": ("Browse", "浏览"),
    "data.tab.transforms": ("Transforms", "变换 (Transforms)"),
    "data.tab.loader": ("DataLoader", "DataLoader"),
    "data.tab.upload": ("Your own dataset", "你自己的数据集"),
    "data.reshuffle": ("New samples", "换一批样本"),
    "data.classes": ("Images per class", "每个类别的图像数"),
    "data.pixels": ("Pixel values", "像素值分布"),
    "data.inspect": ("Inspect sample", "查看样本"),
    "data.sample_facts": (
        "label {label} ({name}) · shape {shape} · dtype {dtype} · min {lo} · max {hi}",
        "标签 {label}（{name}）· 形状 {shape} · dtype {dtype} · 最小 {lo} · 最大 {hi}",
    ),
    "data.totensor": (
        "v2.ToImage() + v2.ToDtype(torch.float32, scale=True) does what ToTensor() did: uint8 "
        "[0, 255] becomes float32 [0, 1].",
        "v2.ToImage() + v2.ToDtype(torch.float32, scale=True) 相当于以前的 ToTensor()：uint8 的 "
        "[0, 255] 变成 float32 的 [0, 1]。",
    ),
    "data.before": ("before: uint8", "之前：uint8"),
    "data.after": ("after: float32", "之后：float32"),
    "data.normalize": ("Compute mean and std, then Normalize", "计算均值和标准差，然后 Normalize"),
    "data.normalized": (
        "mean {mean}, std {std} over the whole split; after Normalize the pixels have mean "
        "{new_mean:.3f} and std {new_std:.3f}.",
        "整个数据集的均值 {mean}、标准差 {std}；Normalize 之后像素均值为 {new_mean:.3f}，"
        "标准差为 {new_std:.3f}。",
    ),
    "data.onehot": (
        "The tutorial's target_transform: Lambda(lambda y: torch.zeros(10).scatter_(0, "
        "torch.tensor(y), value=1)). Label {label} becomes:",
        "教程中的 target_transform：Lambda(lambda y: torch.zeros(10).scatter_(0, "
        "torch.tensor(y), value=1))。标签 {label} 变成：",
    ),
    "data.augment": ("Augmentation (v2)", "数据增强 (v2)"),
    "data.v2_note": (
        "torchvision.transforms.v2 is the current API: the same classes as transforms, plus "
        "tensors, boxes and masks transformed together. ToTensor is deprecated in v2; use "
        "ToImage + ToDtype(scale=True).",
        "torchvision.transforms.v2 是当前推荐的接口：类名与 transforms 相同，还能同时变换张量、"
        "边框和掩码。v2 中 ToTensor 已弃用，请用 ToImage + ToDtype(scale=True)。",
    ),
    "data.batch_size": ("batch_size", "batch_size"),
    "data.batch": (
        "next(iter(loader)): images {images}, labels {labels}, dtype {dtype}. {n} batches; the last "
        "one holds {last} samples.",
        "next(iter(loader))：图像 {images}，标签 {labels}，dtype {dtype}。共 {n} 个批次；最后一批有 "
        "{last} 个样本。",
    ),
    "data.custom_collate": ("custom collate_fn", "自定义 collate_fn"),
    "data.assignment": (
        "Which batch each of the first {n} samples lands in, over two epochs:",
        "前 {n} 个样本在两个 epoch 中分别落在哪个批次：",
    ),
    "data.workers_help": (
        "Worker processes load batches in parallel. Each one starts a fresh Python with torch, "
        "which takes seconds here, so the first batch comes later.",
        "worker 进程并行加载批次。每个 worker 都会启动一个加载了 torch 的新 Python 进程，"
        "在这里需要几秒钟，所以第一个批次会来得更晚。",
    ),
    "data.workers": ("Time num_workers", "测量 num_workers"),
    "data.workers_result": (
        "One pass over {n:,} samples: {times}. Starting worker processes costs seconds; on a small "
        "in-memory dataset with cheap transforms, num_workers=0 is often fastest.",
        "遍历 {n:,} 个样本一次：{times}。启动 worker 进程要花几秒；对于内存中的小数据集和简单变换，"
        "num_workers=0 往往最快。",
    ),
    "data.upload": (
        "A zip with images and a labels CSV (file,label)",
        "一个包含图像和标签 CSV (file,label) 的 zip",
    ),
    "data.upload_help": (
        "Up to 5,000 images, any size up to 4 megapixels; they are read in memory, never "
        "extracted, and resized to 28×28 grey.",
        "最多 5,000 张图像，每张不超过 400 万像素；只在内存中读取，不会解压到磁盘，并缩放为 "
        "28×28 灰度图。",
    ),
    "data.uploaded": (
        "Read {n} images in {classes} classes.",
        "读取了 {n} 张图像，共 {classes} 个类别。",
    ),
    # -- Model layers --------------------------------------------------------------
    "layers.intro": (
        "A network is a module made of modules. Pick a preset or edit the layers; the page "
        "builds a real nn.Sequential, runs an input through it and opens every layer.",
        "神经网络是由模块组成的模块。选择一个预设或编辑各层；页面会构建真实的 nn.Sequential，"
        "让输入流过它，并打开每一层查看。",
    ),
    "layers.preset": ("Preset", "预设"),
    "layers.preset.tutorial": (
        "Tutorial: NeuralNetwork (MLP)",
        "教程：NeuralNetwork（多层感知机）",
    ),
    "layers.preset.lenet": (
        "Blitz: LeNet for 28×28 (padding=2)",
        "60 分钟入门：LeNet，适配 28×28（padding=2）",
    ),
    "layers.preset.cifar_lenet": (
        "Blitz: LeNet for CIFAR-10 (3×32×32)",
        "60 分钟入门：CIFAR-10 版 LeNet（3×32×32）",
    ),
    "layers.preset.modern_cnn": (
        "Small CNN with BatchNorm and Dropout",
        "带 BatchNorm 和 Dropout 的小型 CNN",
    ),
    "layers.position": ("position", "位置"),
    "layers.position_help": (
        "Edit a number to reorder, for example 2.5 moves a layer between 2 and 3.",
        "修改数字即可调整顺序，例如 2.5 会把该层移到第 2 和第 3 层之间。",
    ),
    "layers.layer": ("layer", "层"),
    "layers.arguments": ("arguments", "参数"),
    "layers.use_samples": (
        "Use 3 offline dataset images as input",
        "用 3 张离线数据集图像作为输入",
    ),
    "layers.mismatch": (
        "Layer {layer} does not fit its input. PyTorch says: {error}",
        "第 {layer} 层与输入不匹配。PyTorch 报错：{error}",
    ),
    "layers.trace": (
        "A real input of shape {shape} through each layer:",
        "形状为 {shape} 的真实输入依次流过每一层：",
    ),
    "layers.name": ("name", "名称"),
    "layers.out_shape": ("output shape", "输出形状"),
    "layers.params": ("parameters", "参数量"),
    "layers.total": ("Parameters in all", "参数总数"),
    "layers.init_note": (
        "Linear and Conv2d start from Kaiming-uniform weights (a = √5), that is uniform in "
        "±1/√fan_in, and biases in the same range; BatchNorm starts at weight 1, bias 0.",
        "Linear 和 Conv2d 的权重默认用 Kaiming 均匀分布初始化（a = √5），即在 ±1/√fan_in 内"
        "均匀分布，偏置也在这个范围内；BatchNorm 初始权重为 1、偏置为 0。",
    ),
    "layers.pick": ("Layer", "层"),
    "layers.softmax": ("From logits to a prediction", "从 logits 到预测"),
    "layers.truth": ("true label", "真实标签"),
    "layers.pred": (
        "nn.Softmax(dim=1)(logits): predicted class {cls} with probability {p:.3f}; the "
        "probabilities sum to {total:.6f}. The weights are untrained, so this is a guess.",
        "nn.Softmax(dim=1)(logits)：预测类别 {cls}，概率 {p:.3f}；所有概率之和为 {total:.6f}。"
        "权重还没有训练，所以这只是猜测。",
    ),
    "layers.activations": ("Activation functions", "激活函数"),
    "layers.derivative": (
        "Dotted: the derivative, computed by autograd (backward of the sum), not by a formula.",
        "虚线：导数，由 autograd（对求和结果调用 backward）算出，而不是套公式。",
    ),
    "layers.to": (
        "Module.to() works in place, Tensor.to() returns a copy",
        "Module.to() 原地修改，Tensor.to() 返回副本",
    ),
    "layers.to_note": (
        "The model above lives on {device}. model.to(device) moves its parameters and returns "
        "the same module; t.to(device) leaves t alone and returns a new tensor (or t itself "
        "when nothing changes).",
        "上面的模型位于 {device}。model.to(device) 移动参数并返回同一个模块；t.to(device) 不改变 t，"
        "而是返回新张量（若无需改变则返回 t 本身）。",
    ),
    "layers.tab.structure": ("Structure & shapes", "结构与形状"),
    "layers.tab.parameters": ("Parameters", "参数"),
    "layers.tab.inside": ("Inside each layer", "每层内部"),
    "layers.tab.activations": ("Activations & devices", "激活函数与设备"),
    # -- Training --------------------------------------------------------------------
    "train.intro": (
        "The tutorial's optimization loop, run for real: each batch goes forward, the loss goes "
        "backward, the optimizer steps and the gradients are zeroed; each epoch ends with a test.",
        "真实运行教程中的优化循环：每个批次前向传播，损失反向传播，优化器更新参数并清零梯度；"
        "每个 epoch 结束时做一次测试。",
    ),
    "train.subset": ("training samples (0 = all)", "训练样本数（0 = 全部）"),
    "train.subset_help": (
        "A subset keeps a classroom demo quick; the test always uses the whole test split.",
        "使用子集可以让课堂演示更快；测试始终使用完整的测试集。",
    ),
    "train.use_builder": ("model from the Model layers page", "使用“模型层”页面中的模型"),
    "train.loss": ("loss", "损失函数"),
    "train.loss_help": (
        "CrossEntropyLoss: classes from raw logits (the tutorial's). NLLLoss after LogSoftmax: "
        "the same thing in two steps. MSELoss on one-hot targets: works, but learns slower for "
        "classification.",
        "CrossEntropyLoss：直接由 logits 做分类（教程用法）。LogSoftmax 后接 NLLLoss：分两步做同一件事。"
        "对 one-hot 目标用 MSELoss：可以用，但分类时学得更慢。",
    ),
    "train.optimizer": ("optimizer", "优化器"),
    "train.train": ("Train", "开始训练"),
    "train.resume": ("Resume", "继续训练"),
    "train.stop": ("Stop", "停止"),
    "train.reset": ("Reset", "重置"),
    "train.changed": (
        "The settings changed: Reset to train with them (Resume keeps the old run).",
        "设置已更改：点击“重置”按新设置训练（“继续训练”沿用旧的运行）。",
    ),
    "train.progress": (
        "epoch {epoch} · {rate:,.0f} samples/s · about {left:.0f} s left",
        "第 {epoch} 个 epoch · 每秒 {rate:,.0f} 个样本 · 约剩 {left:.0f} 秒",
    ),
    "train.queue": (
        "This server trains a limited number of models at once; you are number {place} in the queue.",
        "本服务器同时训练的模型数量有限；你在队列中排第 {place} 位。",
    ),
    "train.oom": (
        "The device ran out of memory, so this run was dropped and its memory freed. Use a "
        "smaller batch or model; your session is fine.",
        "设备内存不足，本次训练已丢弃并释放了内存。请减小批大小或模型；你的会话不受影响。",
    ),
    "train.pipeline": (
        "Data pipeline of this run: {name} — the fastest correct one for this device (see the "
        "Pipeline lab).",
        "本次训练的数据管道：{name}——这台设备上最快且结果正确的一种（见“数据管道实验”）。",
    ),
    "train.slow_intro": (
        "Run exactly one optimization step on one batch and see every number in the tutorial's order.",
        "在一个批次上只运行一次优化步骤，并按教程的顺序查看每一个数字。",
    ),
    "train.step": ("One step", "单步执行"),
    "train.s_forward": ("Forward: logits for a few samples", "前向传播：几个样本的 logits"),
    "train.s_loss": ("Loss:", "损失："),
    "train.s_backward": ("the gradient norm of every parameter", "每个参数的梯度范数"),
    "train.s_step": ("how much each parameter changed", "每个参数改变了多少"),
    "train.sgd_check": (
        "Plain SGD: every change equals −lr × grad (max difference {diff:.2e}).",
        "普通 SGD：每个参数的变化都等于 −lr × grad（最大差值 {diff:.2e}）。",
    ),
    "train.s_zero": ("all gradients are zero again: {ok}", "所有梯度重新归零：{ok}"),
    "train.no_results": (
        "Train for at least one epoch to see results.",
        "至少训练一个 epoch 才能看到结果。",
    ),
    "train.actual": ("actual class", "真实类别"),
    "train.predicted": ("predicted class", "预测类别"),
    "train.cell": (
        "{n} test images of {actual} were predicted as {predicted}:",
        "有 {n} 张 {actual} 测试图像被预测为 {predicted}：",
    ),
    "train.mistakes": (
        "Misclassified test images, as the tutorial prints them (P = predicted, A = actual):",
        "分类错误的测试图像，格式同教程（P = 预测，A = 真实）：",
    ),
    "train.compare": ("Compare runs (test accuracy)", "比较多次运行（测试准确率）"),
    "train.lab_intro": (
        "The same model and samples through each data pipeline, timed on your device: the "
        "tutorial's DataLoader, a device tensor, and on CUDA a captured step.",
        "同一个模型、同样的样本，分别走每条数据管道，在你的设备上计时：教程的 DataLoader、"
        "设备上的张量，以及（仅 CUDA）捕获的训练步。",
    ),
    "train.lab_run": ("Time the pipelines", "测量数据管道"),
    "train.lab_note": (
        "The tutorial's DataLoader converts every sample in Python and collates each batch. The "
        "app keeps the whole dataset as one tensor on the device and indexes it with a randperm, "
        "which gives the very same batches for the same generator. On CUDA a small model is "
        "limited by kernel launches, not arithmetic: torch.cuda.graph records the whole step "
        "(forward, loss, backward(), step()) once and replays it with one launch per batch. "
        "Training above uses the device tensor, and on CUDA the captured step.",
        "教程中的 DataLoader 在 Python 里逐个转换样本并拼接批次。本应用把整个数据集作为一个张量放在"
        "设备上，用 randperm 取批次；在同一个生成器下得到的批次完全相同。在 CUDA 上，小模型的瓶颈是"
        "内核启动次数而不是计算量：torch.cuda.graph 把整个训练步（前向、损失、backward()、step()）"
        "录制一次，之后每个批次只需一次启动即可重放。上面的训练使用设备张量，在 CUDA 上再加上捕获的训练步。",
    ),
    "train.multi_gpu": (
        "CUDA devices here: {n}. With several, nn.DataParallel(model) splits each batch across "
        "them, as the tutorial notes show; PyTorch recommends DistributedDataParallel instead. "
        "With one device or none there is nothing to split, so nothing is faked here.",
        "此处的 CUDA 设备数：{n}。有多块 GPU 时，nn.DataParallel(model) 会把每个批次分到各块卡上，"
        "正如教程注释所示；PyTorch 更推荐 DistributedDataParallel。只有一块或没有 GPU 时无从拆分，"
        "这里也不会假装运行。",
    ),
    "train.data_parallel": (
        "Train with nn.DataParallel over all {n} GPUs (applies to the next new run)",
        "使用 nn.DataParallel 在全部 {n} 块 GPU 上训练（从下一次新的训练开始生效）",
    ),
    "train.tab.slow": ("One step, in slow motion", "慢动作单步"),
    "train.tab.compare": ("Compare", "对比"),
    "train.tab.transfer": ("Transfer learning", "迁移学习"),
    "train.queue_click": (
        "The server's training slots are busy; you are number {place} in line. Click again in "
        "a moment.",
        "服务器的训练名额已满，你排在第 {place} 位。请稍后再点一次。",
    ),
    "train.cmp_intro": (
        "Train two or three runs that differ in one setting, everything else as set above, "
        "and overlay their test accuracy. Every run also stays in this session's history.",
        "训练两到三次只有一个设置不同的运行（其余设置同上），叠加显示它们的测试准确率。"
        "每次运行都会保留在本会话的历史记录中。",
    ),
    "train.cmp_field": ("Setting to vary", "要改变的设置"),
    "train.cmp_values": ("Values (two or three)", "取值（两到三个）"),
    "train.cmp_run": ("Run the comparison", "运行对比"),
    "train.tl_intro": (
        "The two scenarios of the transfer-learning notes, against training from scratch. A "
        "source model learns classes 0–4 (or comes from your uploaded state_dict); then each "
        "scenario learns classes 5–9 from a few samples. **Fine-tuning** starts from the "
        "source's weights with a new head and trains everything. **Fixed feature extractor** "
        "freezes every layer with requires_grad_(False), replaces the head with a new "
        "randomly initialised nn.Linear, and trains only that.",
        "迁移学习笔记中的两种做法，与从零训练对比。源模型先学习类别 0–4（或来自你上传的 "
        "state_dict）；然后每种做法只用少量样本学习类别 5–9。**微调** (fine-tuning) 从源模型的权重"
        "出发，换上新的输出层，训练全部参数。**固定特征提取器**用 requires_grad_(False) 冻结所有层，"
        "把输出层换成新的随机初始化 nn.Linear，只训练这一层。",
    ),
    "train.tl_scn.scratch": ("from scratch", "从零训练"),
    "train.tl_scn.fine": ("fine-tuning", "微调 (fine-tuning)"),
    "train.tl_scn.feature": ("fixed feature extractor", "固定特征提取器"),
    "train.tl_scn.source": ("source model", "源模型"),
    "train.tl_col.scenario": ("scenario", "做法"),
    "train.tl_col.trainable": ("trainable parameters", "可训练参数"),
    "train.tl_col.frozen": ("frozen parameters", "冻结参数"),
    "train.tl_col.accuracy": ("test accuracy %", "测试准确率 %"),
    "train.tl_col.identical": ("frozen bit-identical", "冻结参数逐位不变"),
    "train.tl_col.no_grad": ("frozen .grad is None", "冻结参数 .grad 为 None"),
    "train.tl_col.head": ("head changed", "输出层已更新"),
    "train.tl_source_epochs": ("source epochs (classes 0–4)", "源模型 epoch 数（类别 0–4）"),
    "train.tl_epochs": ("epochs per scenario", "每种做法的 epoch 数"),
    "train.tl_subset": ("target training samples", "目标任务训练样本数"),
    "train.tl_upload": (
        "Optional: a source state_dict for this model (.safetensors or .pth; the head may differ)",
        "可选：此模型的源 state_dict（.safetensors 或 .pth；输出层可以不同）",
    ),
    "train.tl_run": ("Run the three scenarios", "运行三种做法"),
    "train.tl_source": (
        "Source model on classes 0–4: {acc:.1f}% test accuracy.",
        "源模型在类别 0–4 上的测试准确率：{acc:.1f}%。",
    ),
    "train.tl_note": (
        "Transfer helps when the source learned features the target needs, and few target "
        "samples are available. It can also hurt: on FashionMNIST, clothes (0–4) teach little "
        "about shoes and bags (5–9), and scratch wins. Frozen parameters are checked bit for "
        "bit after training (torch.equal); BatchNorm running statistics are buffers and still "
        "update in train().",
        "当源模型学到的特征正是目标任务需要的、而目标样本又很少时，迁移学习才有帮助；它也可能有害："
        "在 FashionMNIST 上，衣服（0–4）对鞋和包（5–9）帮助不大，从零训练反而更好。训练后逐位检查"
        "被冻结的参数（torch.equal）；BatchNorm 的 running 统计量是缓冲区，在 train() 模式下仍会更新。",
    ),
    "train.tab.results": ("Results", "结果"),
    "train.tab.lab": ("Pipeline lab", "数据管道实验"),
    # -- Save & load -------------------------------------------------------------------
    "save.intro": (
        "A model's learned numbers live in its state_dict. Save it, load it back, resume "
        "training, and run inference — safely, even with files from strangers.",
        "模型学到的数字都在它的 state_dict 里。保存、加载、继续训练、推理——即使文件来自陌生人也安全。",
    ),
    "save.from_training": (
        "The model trained on the Training page: {label}, epoch {epoch}.",
        "使用“训练”页面训练的模型：{label}，第 {epoch} 个 epoch。",
    ),
    "save.fresh": (
        "No training run in this session yet: a freshly initialised model from the Model layers page.",
        "本会话还没有训练过模型：这里用“模型层”页面上新初始化的模型。",
    ),
    "save.sd_total": ("{n} entries, {mb:.2f} MB.", "共 {n} 项，{mb:.2f} MB。"),
    "save.sd_note": (
        "A state_dict holds parameters and buffers (BatchNorm's running_mean, running_var and "
        "num_batches_tracked) by name. It holds no code and no architecture: you rebuild the "
        "model, then load the numbers into it.",
        "state_dict 按名称保存参数和缓冲区（BatchNorm 的 running_mean、running_var、"
        "num_batches_tracked）。它不包含代码，也不包含结构：需要先重建模型，再把数字加载进去。",
    ),
    "save.optimizer": ("The optimizer's state_dict", "优化器的 state_dict"),
    "save.format": ("Format", "格式"),
    "save.fmt.safetensors": ("safetensors (recommended)", "safetensors（推荐）"),
    "save.fmt.pth": ("state_dict .pth", "state_dict（.pth 文件）"),
    "save.fmt.checkpoint": ("training checkpoint", "训练检查点"),
    "save.fmt.whole": ("whole model (pickle)", "整个模型（pickle）"),
    "save.fmt.onnx": ("ONNX (deployment)", "ONNX（部署）"),
    "save.why.onnx": (
        "torch.onnx.export, as in the tutorial: the graph and weights for runtimes outside "
        "Python, such as ONNX Runtime.",
        "与教程相同的 torch.onnx.export：把计算图和权重导出给 Python 之外的运行时使用，例如 ONNX Runtime。",
    ),
    "save.onnx_missing": (
        'ONNX export is an optional extra on this server: pip install -e ".[onnx]" enables it.',
        '本服务器未安装可选的 ONNX 导出：运行 pip install -e ".[onnx]" 即可启用。',
    ),
    "save.why.safetensors": (
        "Only tensors and a JSON header: loading it cannot run code, and it is fast to read.",
        "只有张量和一个 JSON 头：加载时不可能执行代码，而且读取很快。",
    ),
    "save.why.pth": (
        "The tutorial's torch.save(model.state_dict()). Load it with weights_only=True.",
        "教程中的 torch.save(model.state_dict())。请用 weights_only=True 加载。",
    ),
    "save.why.checkpoint": (
        "Model and optimizer state_dicts, epoch and loss, as the blitz shows, plus what this "
        "app needs to resume the same run exactly.",
        "模型和优化器的 state_dict、epoch 和损失（与 60 分钟入门相同），外加本应用精确恢复同一次运行"
        "所需的信息。",
    ),
    "save.why.whole": (
        "torch.save(model) pickles the class by reference: loading needs the same code and "
        "weights_only=False, which executes whatever the file says. Never load one from a stranger.",
        "torch.save(model) 按引用 pickle 整个类：加载时需要同样的代码以及 weights_only=False，"
        "而这会执行文件里的任何内容。绝不要加载陌生人的这类文件。",
    ),
    "save.need_training": (
        "A training checkpoint needs a run: train on the Training page first.",
        "训练检查点需要一次训练：请先在“训练”页面训练。",
    ),
    "save.prepare": ("Prepare the file", "生成文件"),
    "save.download": ("Download ({mb:.1f} MB)", "下载（{mb:.1f} MB）"),
    "save.upload": (
        "Upload a .pth, .pt, .ckpt or .safetensors file",
        "上传 .pth、.pt、.ckpt 或 .safetensors 文件",
    ),
    "save.strict": ("strict (every key must match)", "strict（所有键必须匹配）"),
    "save.not_loaded": (
        "Not loaded: the file does not fit the current architecture (see above).",
        "未加载：该文件与当前模型结构不匹配（见上方）。",
    ),
    "save.loaded": (
        "Loaded {n} tensors into the model. The Inference tab uses it now.",
        "已把 {n} 个张量加载进模型。“推理”标签页现在使用它。",
    ),
    "save.resume": ("Resume this run on the Training page", "在“训练”页面继续这次运行"),
    "save.go_training": ("Go to Training", "前往训练页面"),
    "save.modes_intro": (
        "A small CNN with Dropout and BatchNorm, the same input twice in each mode:",
        "一个带 Dropout 和 BatchNorm 的小型 CNN，在每种模式下对同一输入运行两次：",
    ),
    "save.image": ("Or upload an image", "或者上传一张图像"),
    "save.bad_image": ("That image could not be used: {error}", "无法使用这张图像：{error}"),
    "save.resized": (
        "Your image was converted and resized to {shape}, the model's input.",
        "你的图像已被转换并缩放为模型的输入形状 {shape}。",
    ),
    "save.pick": ("Test image", "测试图像"),
    "save.no_images": (
        "This model does not take 1×28×28 images: upload one to try it.",
        "这个模型的输入不是 1×28×28 图像：请上传一张图像来试试。",
    ),
    "save.tab.explorer": ("state_dict", "state_dict"),
    "save.tab.save": ("Save", "保存"),
    "save.tab.load": ("Load", "加载"),
    "save.tab.modes": ("eval() vs train()", "eval() 与 train()"),
    "save.tab.inference": ("Inference", "推理"),
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
