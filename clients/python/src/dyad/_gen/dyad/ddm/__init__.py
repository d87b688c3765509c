__all__ = ['ttypes', 'constants', 'FileSystem']
