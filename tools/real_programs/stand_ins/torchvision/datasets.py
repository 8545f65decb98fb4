import os
import numpy as np
import torch

def _images(n, shape, classes, seed):
    r = np.random.RandomState(seed)
    targets = r.randint(0, classes, n)
    protos = np.random.RandomState(1234).rand(classes, *shape)
    x = 0.6 * protos[targets] + 0.4 * r.rand(n, *shape)
    return (x * 255).astype(np.uint8), targets

class _Base:
    classes_n, shape = 10, (28, 28)
    def __init__(self, root=None, train=True, download=False, transform=None, target_transform=None, **kw):
        n = int(os.environ.get("SHIM_N_TRAIN" if train else "SHIM_N_TEST", 512 if train else 128))
        x, y = _images(n, self.shape, self.classes_n, 0 if train else 1)
        self.data = torch.from_numpy(x) if len(self.shape) == 2 else x
        self.targets = torch.from_numpy(y.astype(np.int64)) if len(self.shape) == 2 else list(y)
        self._x, self._y = x, y
        self.transform, self.target_transform, self.train = transform, target_transform, train
        self.classes = [str(i) for i in range(self.classes_n)]
    def __len__(self):
        return len(self._y)
    def __getitem__(self, i):
        img, t = self._x[i], int(self._y[i])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            t = self.target_transform(t)
        return img, t

class MNIST(_Base):
    pass

class FashionMNIST(_Base):
    pass

class CIFAR10(_Base):
    shape = (32, 32, 3)

class FakeData(_Base):
    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        os.environ.setdefault("SHIM_N_TRAIN", str(size))
        self.shape = (image_size[1], image_size[2], image_size[0])
        self.classes_n = num_classes
        super().__init__(transform=transform, target_transform=target_transform)
