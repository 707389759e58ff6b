"""Text classifiers trained on the bureau's own history (suggestions, never decisions).

`service` is the entry point: train, evaluate, activate, load and predict.
"""
