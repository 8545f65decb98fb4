"""Offline, download-free stand-in for the torchvision parts pytorch/examples use: synthetic, learnable, seeded data."""
from . import datasets, transforms, utils  # noqa
