__all__ = ['ttypes', 'constants', 'StorageNode']
