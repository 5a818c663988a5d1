"""Domain rules of Anju: plain Python, no Flask, tested directly."""
