"""``python -m operations``: the tools an operator needs on a bad day.

Each subcommand is its own module with a ``register(subparsers, common)`` function; ``cli.py``
lists them in one argparse entry point. They read the stack's outputs (``stack.py``) and talk to
AWS through boto3 with their own retry configuration (``aws.py``).
"""
