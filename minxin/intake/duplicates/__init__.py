"""Duplicate and repeat detection (重复信访, 联名/集体, 越级, 不再受理) over near-duplicate text.

`text` turns a message into character shingles, `minhash` into a MinHash signature
and LSH band hashes, `index` keeps one signature row and its band rows per case,
`lookup` finds near-duplicates of a new text with one indexed query plus exact
verification, and `detect` turns matches into the four suggestions of the regulation.
"""
