"""Figures a person reads before switching a model on: accuracy, macro-F1, per class, confusion."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support


def classification_metrics(y_true, y_pred) -> dict:
    y_true = np.asarray([str(v) for v in y_true], dtype=object)
    y_pred = np.asarray([str(v) for v in y_pred], dtype=object)
    labels = sorted(set(y_true) | set(y_pred))
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    # macro-F1 over the classes actually present in the evaluation data
    present = sorted(set(y_true))
    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 4),
        "n_eval": int(len(y_true)),
        "per_class": {
            label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4), "support": int(s)}
            for label, p, r, f, s in zip(labels, precision, recall, f1, support)
        },
        "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
    }


def merge_cv_metrics(folds: list[tuple]) -> dict:
    """Metrics of the pooled out-of-fold predictions, plus each fold's macro-F1."""
    y_true = np.concatenate([t for t, _ in folds])
    y_pred = np.concatenate([p for _, p in folds])
    metrics = classification_metrics(y_true, y_pred)
    per_fold = [classification_metrics(t, p)["macro_f1"] for t, p in folds]
    metrics["fold_macro_f1"] = per_fold
    metrics["fold_macro_f1_mean"] = round(float(np.mean(per_fold)), 4)
    metrics["fold_macro_f1_std"] = round(float(np.std(per_fold)), 4)
    return metrics


def format_report(metrics: dict) -> str:
    lines = [
        f"accuracy: {metrics['accuracy']:.4f}",
        f"macro-F1: {metrics['macro_f1']:.4f}",
    ]
    if "fold_macro_f1" in metrics:
        folds = ", ".join(f"{v:.4f}" for v in metrics["fold_macro_f1"])
        lines.append(f"各折 macro-F1: {folds}（均值 {metrics['fold_macro_f1_mean']:.4f} ± {metrics['fold_macro_f1_std']:.4f}）")
    lines.append(f"评估样本数: {metrics['n_eval']}")
    per_class = metrics["per_class"]
    width = max([len(k) for k in per_class] + [4])
    lines.append("")
    lines.append(f"{'类别'.ljust(width)}  precision  recall      F1  support")
    for label, m in per_class.items():
        lines.append(f"{label.ljust(width)}  {m['precision']:9.4f}  {m['recall']:6.4f}  {m['f1']:6.4f}  {m['support']:7d}")
    labels = metrics["confusion"]["labels"]
    lines.append("")
    lines.append("混淆矩阵（行 = 真实，列 = 预测）:")
    lines.append("  " + " | ".join(f"[{i}] {label}" for i, label in enumerate(labels)))
    for i, row in enumerate(metrics["confusion"]["matrix"]):
        lines.append(f"  [{i}] " + " ".join(f"{v:6d}" for v in row))
    return "\n".join(lines)
