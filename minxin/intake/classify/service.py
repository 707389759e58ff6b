"""Train, evaluate, version, activate and use text classifiers.

A classifier is known by a name (the label it predicts, e.g. ``category`` or
``domain``). Each training run stores a new version: a ClassifierModel row and a
joblib file under MEDIA_ROOT/models/<name>/ whose SHA-256 is checked on every load.
Exactly one version per name is active; suggestions come from it. The first
version of a name is switched on at once; later ones only when asked (after their
figures have been compared), so a worse retrain never replaces a working model
silently.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import joblib
import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minxin.core import clock
from minxin.core.errors import Conflict, ConfigurationMissing, NotFound, PermissionDenied, ValidationFailed
from minxin.org.policies import SYSTEM, is_system
from minxin.intake.models import ClassifierModel

from .estimator import Prediction, TextClassifier
from .metrics import classification_metrics, merge_cv_metrics

log = logging.getLogger(__name__)

ARTIFACT_FORMAT = 1
MIN_PER_CLASS = 3
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

Progress = Callable[[str], None]


# -- checks ---------------------------------------------------------------------------------


def _check_actor(actor) -> None:
    # Who may train or activate: minxin.intake.policies (the CLI acts as org.policies.SYSTEM; None is refused).
    from minxin.intake.policies import check_manage_models

    check_manage_models(actor)


def _check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise ValidationFailed(
            _("模型名称“%(name)s”无效：只能用小写字母、数字、下划线和连字符，且以字母或数字开头（最长 64 个字符）") % {"name": name}
        )
    return name


def check_training_data(texts: Sequence[str], labels: Sequence[str], *, eval_split: float | None, cv: int | None) -> Counter:
    if len(texts) != len(labels):
        raise ValidationFailed(_("文本与标签的条数不一致（%(a)d 与 %(b)d）") % {"a": len(texts), "b": len(labels)})
    if not texts:
        raise ValidationFailed(_("没有训练数据"))
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts))
        raise ValidationFailed(_("训练数据只有一个类别“%(label)s”，至少需要两个不同的标签") % {"label": only})
    rare = {k: v for k, v in counts.items() if v < MIN_PER_CLASS}
    if rare:
        listed = "、".join(f"“{k}”（{v} 条）" for k, v in sorted(rare.items(), key=lambda kv: kv[1]))
        raise ValidationFailed(
            _("以下类别样本太少，每类至少需要 %(n)d 条：%(listed)s。请补充样本或将其并入其他类别") % {"n": MIN_PER_CLASS, "listed": listed}
        )
    if cv is not None:
        if cv < 2:
            raise ValidationFailed(_("交叉验证折数至少为 2"))
        if min(counts.values()) < cv:
            raise ValidationFailed(
                _("%(k)d 折交叉验证要求每个类别至少有 %(k)d 条样本，最少的类别只有 %(n)d 条") % {"k": cv, "n": min(counts.values())}
            )
    elif eval_split is not None:
        if not 0 < eval_split < 1:
            raise ValidationFailed(_("评估集比例应在 0 与 1 之间，例如 0.2"))
        n_eval = int(np.ceil(len(texts) * eval_split))
        if n_eval < len(counts) or len(texts) - n_eval < len(counts):
            raise ValidationFailed(
                _("数据太少，无法按 %(split)s 的比例留出评估集（共 %(n)d 条，%(c)d 个类别）")
                % {"split": eval_split, "n": len(texts), "c": len(counts)}
            )
    return counts


# -- training -------------------------------------------------------------------------------


def _held_out_metrics(texts, labels, *, eval_split, seed, cv, params, say) -> dict:
    from sklearn.model_selection import StratifiedKFold, train_test_split

    texts = np.asarray(list(texts), dtype=object)
    labels = np.asarray(list(labels), dtype=object)
    params = {**params, "calibrate": False}  # only the labels are scored here; the stored model is calibrated
    if cv:
        folds = StratifiedKFold(cv, shuffle=True, random_state=seed)
        per_fold = []
        for i, (train, held) in enumerate(folds.split(texts, labels), 1):
            say(_("交叉验证 第 %(i)d/%(k)d 折") % {"i": i, "k": cv})
            clf = TextClassifier(**params).fit(texts[train], labels[train], progress=lambda m: say("  " + m))
            per_fold.append((labels[held], clf.predict(texts[held])))
        metrics = merge_cv_metrics(per_fold)
        metrics["method"] = f"{cv}-fold CV, seed {seed}"
        return metrics
    train, held = train_test_split(np.arange(len(texts)), test_size=eval_split, stratify=labels, random_state=seed)
    say(_("在 %(n)d 条上训练，留出 %(m)d 条评估") % {"n": len(train), "m": len(held)})
    clf = TextClassifier(**params).fit(texts[train], labels[train], progress=lambda m: say("  " + m))
    metrics = classification_metrics(labels[held], clf.predict(texts[held]))
    metrics["method"] = f"stratified hold-out {eval_split:g}, seed {seed}"
    return metrics


def _artifact_dir(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "models" / name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def train(
    *,
    name: str,
    texts: Sequence[str],
    labels: Sequence[str],
    eval_split: float | None = 0.2,
    seed: int = 0,
    cv: int | None = None,
    actor=SYSTEM,
    source: str = "",
    activate: bool | None = None,
    params: dict | None = None,
    progress: Progress | None = None,
) -> ClassifierModel:
    """Evaluate on held-out data (hold-out split or k-fold CV), refit on all rows, store a new version.

    ``activate``: True switches the new version on, False leaves it off, None (default)
    switches it on only if the name has no active version yet.
    """
    say = progress or (lambda message: None)
    _check_actor(actor)
    _check_name(name)
    texts = [str(t) for t in texts]
    labels = [str(v).strip() for v in labels]
    counts = check_training_data(texts, labels, eval_split=eval_split, cv=cv)
    params = {**(params or {})}
    started = time.perf_counter()

    metrics = _held_out_metrics(texts, labels, eval_split=eval_split, seed=seed, cv=cv, params=params, say=say) if (cv or eval_split) else {}
    say(_("在全部 %(n)d 条上重新训练最终模型") % {"n": len(texts)})
    clf = TextClassifier(**params).fit(texts, labels, progress=lambda m: say("  " + m))
    metrics["train_seconds"] = round(time.perf_counter() - started, 1)
    metrics["n_train"] = len(texts)
    metrics["class_counts"] = dict(sorted(counts.items()))

    with transaction.atomic():
        existing = list(ClassifierModel.objects.select_for_update().filter(name=name).values_list("version", "is_active"))
        version = max((v for v, _active in existing), default=0) + 1
        switch_on = activate if activate is not None else not any(active for _v, active in existing)
        path = _write_artifact(name, version, clf)
        try:
            if switch_on:
                ClassifierModel.objects.filter(name=name, is_active=True).update(is_active=False)
            row = ClassifierModel.objects.create(
                name=name,
                version=version,
                labels=[str(c) for c in clf.classes_],
                metrics=metrics,
                params={**clf.get_params(), "source": source, "temperature": clf.temperature_},
                created_at=clock.now(),
                created_by=None if is_system(actor) else actor,
                is_active=switch_on,
                file_path=str(path.relative_to(settings.MEDIA_ROOT)),
                sha256=_sha256(path),
                size=path.stat().st_size,
            )
        except IntegrityError as exc:
            path.unlink(missing_ok=True)
            raise Conflict(_("模型 %(name)s 正在被另一个训练任务写入，请稍后重试") % {"name": name}) from exc
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    log.info("classifier %s v%s trained: macro_f1=%s active=%s", name, version, metrics.get("macro_f1"), switch_on)
    return row


def _write_artifact(name: str, version: int, clf: TextClassifier) -> Path:
    folder = _artifact_dir(name)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-v{version}.joblib"
    # write beside the target and rename, so a crash never leaves a half-written file under the real name
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-v{version}-", suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump({"format": ARTIFACT_FORMAT, "classifier": clf}, tmp, compress=3)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# -- registry -------------------------------------------------------------------------------


def list_versions(name: str | None = None):
    rows = ClassifierModel.objects.select_related("created_by__user")
    return rows.filter(name=name) if name else rows.all()


def get_version(name: str, version: int | None = None) -> ClassifierModel:
    rows = ClassifierModel.objects.filter(name=name)
    if version is None:
        row = rows.filter(is_active=True).first()
        if row is None:
            if rows.exists():
                raise ConfigurationMissing(
                    _("模型 %(name)s 没有启用的版本，请先用“classify activate --name %(name)s --version 版本号”启用一个") % {"name": name}
                )
            raise NotFound(_("没有名为 %(name)s 的分类模型，请先用“classify train”训练") % {"name": name})
        return row
    row = rows.filter(version=version).first()
    if row is None:
        raise NotFound(_("模型 %(name)s 没有版本 %(version)s") % {"name": name, "version": version})
    return row


def activate(*, name: str, version: int, actor=SYSTEM) -> ClassifierModel:
    _check_actor(actor)
    with transaction.atomic():
        rows = list(ClassifierModel.objects.select_for_update().filter(name=name))
        target = next((r for r in rows if r.version == version), None)
        if target is None:
            raise NotFound(_("模型 %(name)s 没有版本 %(version)s") % {"name": name, "version": version})
        if target.is_active:
            return target
        _verified_path(target)  # never switch on a version whose file is missing or altered
        ClassifierModel.objects.filter(name=name, is_active=True).update(is_active=False)
        ClassifierModel.objects.filter(pk=target.pk).update(is_active=True)
        target.is_active = True
    log.info("classifier %s v%s activated", name, version)
    return target


# -- loading and prediction -----------------------------------------------------------------

_cache: dict[tuple[int, str], TextClassifier] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget loaded models (a loaded model is trusted until then; files are re-verified on the next load)."""
    with _cache_lock:
        _cache.clear()


def _verified_path(row: ClassifierModel) -> Path:
    path = Path(settings.MEDIA_ROOT) / row.file_path
    if not path.is_file():
        raise ConfigurationMissing(_("模型 %(model)s 的文件不存在：%(path)s") % {"model": row, "path": path})
    if path.stat().st_size != row.size or _sha256(path) != row.sha256:
        raise ConfigurationMissing(
            _("模型 %(model)s 的文件校验失败（SHA-256 与登记值不符），可能已损坏或被替换，已拒绝加载：%(path)s") % {"model": row, "path": path}
        )
    return path


def load(row: ClassifierModel) -> TextClassifier:
    key = (row.pk, row.sha256)
    with _cache_lock:
        clf = _cache.get(key)
        if clf is None:
            # joblib files are pickles: the checksum recorded at training time is what makes loading one safe
            payload = joblib.load(_verified_path(row))
            if not isinstance(payload, dict) or payload.get("format") != ARTIFACT_FORMAT:
                raise ConfigurationMissing(_("模型 %(model)s 的文件格式不受支持，请重新训练") % {"model": row})
            clf = payload["classifier"]
            _cache[key] = clf
    return clf


def load_active(name: str) -> TextClassifier:
    return load(get_version(name))


def predict(name: str, texts: Sequence[str], *, k: int = 3, explain: bool = True, version: int | None = None) -> list[Prediction]:
    """(label, confidence, top-k [(label, p)], top_terms) per text, from the active (or given) version."""
    clf = load(get_version(name, version))
    return predict_with(clf, texts, k=k, explain=explain)


def predict_with(clf: TextClassifier, texts: Sequence[str], *, k: int = 3, explain: bool = True) -> list[Prediction]:
    return clf.suggest(texts, k=k, explain=explain)


def evaluate(name: str, texts: Sequence[str], labels: Sequence[str], *, version: int | None = None) -> dict:
    clf = load(get_version(name, version))
    if not texts:
        raise ValidationFailed(_("没有评估数据"))
    return classification_metrics(np.asarray([str(v).strip() for v in labels], dtype=object), clf.predict(list(texts)))
