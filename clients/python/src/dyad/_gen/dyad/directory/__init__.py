__all__ = ['ttypes', 'constants', 'DirectoryServer']
