"""What stands between the WSGI server and Flask's views: the proxy's client address
(``proxy``), static files with hashed names served precompressed (``static_files``), and
compression of what Flask writes (``compression``)."""
