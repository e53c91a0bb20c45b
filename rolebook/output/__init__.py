"""Output: the writers (document model in, bytes out), the Word package and elements, and
publishing, the only writer of files.
"""
