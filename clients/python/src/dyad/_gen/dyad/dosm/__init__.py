__all__ = ['ttypes', 'constants', 'ObjectGateway']
