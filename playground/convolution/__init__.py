"""Convolution & pooling: a real ``nn.Conv2d`` sliding over an image, channels and groups,
pooling and its gradient, receptive fields by autograd, and a trained CNN's filters."""

from __future__ import annotations

from playground.convolution.channels import MAX_CHANNELS, Channels, ChannelsConfig, channels
from playground.convolution.code import (
    channels_code,
    pixels_code,
    pool_code,
    receptive_code,
    slide_code,
)
from playground.convolution.images import SIDES, offline_pixels, resized, upload_pixels
from playground.convolution.inside import feature_maps, first_filters
from playground.convolution.pooling import POOLS, Pool, PoolConfig, pool
from playground.convolution.receptive import (
    Layer,
    Receptive,
    StackConfig,
    field_formula,
    gapless,
    receptive,
)
from playground.convolution.slide import (
    KERNELS,
    MAX_DILATION,
    MAX_KERNEL,
    MAX_PADDING,
    MAX_STRIDE,
    PADDING_MODES,
    Cell,
    ConvError,
    Slide,
    SlideConfig,
    kernel_text,
    output_size,
    parse_kernel,
    slide,
)

__all__ = [
    "Cell",
    "Channels",
    "ChannelsConfig",
    "ConvError",
    "KERNELS",
    "Layer",
    "MAX_CHANNELS",
    "MAX_DILATION",
    "MAX_KERNEL",
    "MAX_PADDING",
    "MAX_STRIDE",
    "PADDING_MODES",
    "POOLS",
    "Pool",
    "PoolConfig",
    "Receptive",
    "SIDES",
    "Slide",
    "SlideConfig",
    "StackConfig",
    "channels",
    "channels_code",
    "feature_maps",
    "field_formula",
    "first_filters",
    "gapless",
    "kernel_text",
    "offline_pixels",
    "output_size",
    "parse_kernel",
    "pixels_code",
    "pool",
    "pool_code",
    "receptive",
    "receptive_code",
    "resized",
    "slide",
    "slide_code",
    "upload_pixels",
]
