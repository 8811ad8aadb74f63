import sys

from kdkmp import penulis

# a load goes to the resident writer when one serves this database (before the data stack is imported)
kode = penulis.teruskan(sys.argv[1:])
if kode is None:
    from kdkmp.cli import main

    kode = main()
sys.exit(kode)
