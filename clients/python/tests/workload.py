"""A client's run of file operations under a directory of its own, against its own sequential model of that directory.

mkdir (never with parents), put (new files and new versions, some empty), mv (files and whole directories), rm
(files, empty directories, small trees), read and ls: each chosen so that it must succeed on the model, each answer
checked against it. A change applied twice fails (a second mkdir is AlreadyExists, a second mv or rm NotFound) or
leaves a tree that verify() rejects.
"""

import random
import time

from dyad import _crc


class FileWorkload:
    def __init__(self, client, root: str, seed: int):
        """root: "volume:/dir", a new directory whose parent exists (made here)."""
        self.c = client
        self.root = root
        self.rand = random.Random(seed)
        self.dirs = {root}
        self.files = {}
        self.names = 0
        self.done = 0
        self.longest = 0.0
        self.longest_op = ""
        client.mkdir(root)

    def _name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def _pick(self, items):
        return self.rand.choice(sorted(items))

    def _below_root(self):
        return [d for d in self.dirs if d != self.root]

    def step(self):
        """One operation the model says must succeed; raises on any failure or wrong answer."""
        start = time.monotonic()
        what = self._step()
        took = time.monotonic() - start
        if took > self.longest:
            self.longest, self.longest_op = took, what
        self.done += 1

    def _step(self) -> str:
        r, c = self.rand, self.c
        dice = r.randrange(100)
        if dice < 22 or len(self.dirs) < 3:
            path = f"{self._pick(self.dirs)}/{self._name('d')}"
            assert c.mkdir(path).is_dir
            self.dirs.add(path)
            return f"mkdir {path}"
        if dice < 47 or not self.files:
            if not self.files or r.random() < 0.5:
                path = f"{self._pick(self.dirs)}/{self._name('f')}"
            else:
                path = self._pick(self.files)
            data = b"" if r.randrange(8) == 0 else r.randbytes(1 + r.randrange(4000))
            assert c.put_file(data, path).length == len(data)
            self.files[path] = data
            return f"put {path}"
        if dice < 60:
            below = self._below_root()
            source = self._pick(below) if below and r.randrange(3) == 0 else self._pick(self.files)
            targets = [d for d in self.dirs if d != source and not d.startswith(source + "/")]
            target = f"{self._pick(targets)}/{self._name('r')}"
            c.mv(source, target)
            self._move(source, target)
            return f"mv {source} {target}"
        if dice < 70:
            below = self._below_root()
            tree = bool(below) and r.randrange(4) == 0
            if tree:
                path = self._pick(below)
            else:
                empty = [d for d in below if not any(p.startswith(d + "/") for p in list(self.dirs) + list(self.files))]
                path = self._pick(list(self.files) + empty)
            c.rm(path, recursive=tree)
            self.dirs = {d for d in self.dirs if d != path and not d.startswith(path + "/")}
            self.files = {f: v for f, v in self.files.items() if f != path and not f.startswith(path + "/")}
            return f"rm {path}"
        if dice < 85:
            path = self._pick(self.files)
            got = c.read_file(path)
            assert got == self.files[path], f"{path} reads as written"
            return f"read {path}"
        d = self._pick(self.dirs)
        listed = [e.name for e in c.ls(d)]
        assert listed == self._children(d), f"ls {d} gives {listed}, not {self._children(d)}"
        return f"ls {d}"

    def _children(self, d):
        prefix = d + "/"
        return sorted(p[len(prefix):] for p in list(self.dirs) + list(self.files)
                      if p.startswith(prefix) and "/" not in p[len(prefix):])

    def _move(self, source, target):
        def moved(p):
            return target + p[len(source):] if p == source or p.startswith(source + "/") else p
        self.dirs = {moved(d) for d in self.dirs}
        self.files = {moved(f): v for f, v in self.files.items()}

    def verify(self):
        """The tree as the cluster holds it, walked afresh, against the model; None if they agree, else the
        difference."""
        dirs, files, todo = {self.root}, {}, [self.root]
        while todo:
            d = todo.pop()
            for e in self.c.ls(d):
                p = f"{d}/{e.name}"
                if e.is_dir:
                    dirs.add(p)
                    todo.append(p)
                else:
                    files[p] = (e.length, e.crc32c & 0xFFFFFFFF)
        expected = {p: (len(v), _crc.update(v) if v else 0) for p, v in self.files.items()}
        if dirs != self.dirs:
            return f"directories {sorted(dirs)}, the model {sorted(self.dirs)}"
        if files != expected:
            return f"files {files}, the model {expected}"
        return None
