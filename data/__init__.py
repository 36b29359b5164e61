"""The data files of sfreg (seed and rule data, each naming its public source).

Installed from a wheel this folder is the package `sfreg_data` (see setup.py); read its files through
`registry.datafiles.data_path(name)`, which finds them in a checkout and in an installed wheel alike.
"""
