"""Upload a built corpus directory to a Hugging Face Hub dataset repo in one commit.

What is uploaded is exactly what the card's YAML ``configs`` name, plus README.md and
yield.png: ``dataset_files`` lists it, and ``publish`` turns that list into the
``CommitOperationAdd`` operations of a single ``create_commit``. The private build state
under ``.build/`` is never uploaded. Authentication is huggingface_hub's usual one: an
explicit token, else ``HF_TOKEN``, else the token saved by ``hf auth login``.
"""

from __future__ import annotations

import importlib
import re
import socket
from pathlib import Path
from typing import Any

from ..errors import PsftError

BUILD_DIR = ".build"
EXTRA_FILES = ("README.md", "yield.png")
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LOGIN_HINT = "set HF_TOKEN or run `hf auth login`"


class PublishError(PsftError):
    """The corpus cannot be published; the message is one line and names the fix."""

    def __init__(self, message: str):
        self.message = " ".join(message.split())  # one line, whatever the cause said
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _card_configs(corpus_dir: Path) -> list[dict]:
    from huggingface_hub import DatasetCard

    readme = corpus_dir / "README.md"
    not_built = f"{corpus_dir} is not a built corpus; run psft corpus build first"
    if not readme.is_file():
        raise PublishError(f"{not_built} (no README.md)")
    try:
        configs = (
            DatasetCard.load(readme, ignore_metadata_errors=True).data.to_dict().get("configs")
        )
    except Exception as err:  # malformed YAML header: yaml and ValueError subclasses
        raise PublishError(f"{not_built} (README.md metadata unreadable: {err})") from err
    if not configs or not isinstance(configs, list):
        raise PublishError(f"{not_built} (README.md has no `configs` metadata)")
    return configs


def _patterns(data_files: Any) -> list[str]:
    """The path patterns of one config's ``data_files`` in any of the Hub's forms: a string,
    a list of strings, or a list of ``{split, path}`` whose path is a string or list."""
    if isinstance(data_files, str):
        return [data_files]
    out: list[str] = []
    for item in data_files or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            path = item.get("path")
            out.extend([path] if isinstance(path, str) else list(path or []))
    return out


def _under_build(relative: str) -> bool:
    return relative.split("/", 1)[0] == BUILD_DIR


def dataset_files(corpus_dir: str | Path) -> list[str]:
    """The files to upload, as sorted relative POSIX paths: README.md, yield.png if present,
    and every file that the card's ``configs`` data_files match (never under ``.build/``).

    Raises:
        PublishError: the directory or its README.md/``configs`` is missing, or a data file
            pattern matches no file.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        raise PublishError(f"corpus directory {root} does not exist")
    files = {name for name in EXTRA_FILES if (root / name).is_file()}
    for config in _card_configs(root):
        name = config.get("config_name", "?") if isinstance(config, dict) else "?"
        patterns = _patterns(config.get("data_files") if isinstance(config, dict) else None)
        if not patterns:
            raise PublishError(f"config {name!r} in {root / 'README.md'} names no data files")
        for pattern in patterns:
            if pattern.startswith("/") or ".." in Path(pattern).parts:
                raise PublishError(f"config {name!r}: data file {pattern!r} is outside {root}")
            found = [
                p.relative_to(root).as_posix()
                for p in root.glob(pattern)
                if p.is_file() and not _under_build(p.relative_to(root).as_posix())
            ]
            if not found:
                raise PublishError(
                    f"config {name!r}: data file {root / pattern} is missing; "
                    "rerun psft corpus build"
                )
            files.update(found)
    return sorted(files)


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Exceptions meaning "the Hub was not reached": the socket-level ones, and the HTTP
    client's transport errors (httpx2 in huggingface_hub 2.x, httpx in 1.x; neither
    subclasses OSError)."""
    errors: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, socket.gaierror)
    for module in ("httpx2", "httpx"):
        try:
            errors += (importlib.import_module(module).TransportError,)
        except (ImportError, AttributeError):
            pass
    return errors


def _hub_error(err: Exception, repo_id: str, endpoint: str) -> PublishError | None:
    """A one-line PublishError for a huggingface_hub / transport error, or None if `err` is
    not one (huggingface_hub >= 1.0 talks HTTP through httpx; 2.x through httpx2)."""
    from huggingface_hub.errors import (
        HfHubHTTPError,
        LocalTokenNotFoundError,
        OfflineModeIsEnabled,
        OIDCError,
        RepositoryNotFoundError,
    )

    if isinstance(err, LocalTokenNotFoundError):
        return PublishError(f"not logged in to the Hugging Face Hub: {_LOGIN_HINT}")
    if isinstance(err, OIDCError):
        return PublishError(f"not logged in to the Hugging Face Hub (OIDC: {err}): {_LOGIN_HINT}")
    if isinstance(err, HfHubHTTPError):
        status = getattr(getattr(err, "response", None), "status_code", None)
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        if status == 401:
            return PublishError(
                f"not logged in to the Hugging Face Hub (token rejected): {_LOGIN_HINT}"
            )
        if status == 403 or isinstance(err, RepositoryNotFoundError):
            return PublishError(
                f"cannot write to dataset repo {repo_id} with this token ({first}); "
                f"use a token with write access to {repo_id.split('/')[0]}: {_LOGIN_HINT}"
            )
        return PublishError(f"the Hub refused the upload to {repo_id}: {first}")
    if isinstance(err, OfflineModeIsEnabled):
        return PublishError(f"cannot reach the Hub at {endpoint}: HF_HUB_OFFLINE is set; unset it")
    reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
    if isinstance(err, _transport_errors()):
        return PublishError(f"cannot reach the Hub at {endpoint}: {reason}")
    if isinstance(err, OSError):  # reading a local file during the upload
        return PublishError(f"upload to {repo_id} failed: {reason}")
    return None


def publish(
    corpus_dir: str | Path,
    repo_id: str,
    *,
    private: bool = False,
    revision: str | None = None,
    token: str | None = None,
    api: Any = None,
    commit_message: str | None = None,
) -> str:
    """Upload a built corpus to the Hub dataset repo `repo_id` in one commit.

    Creates the repo if needed (``private`` applies only then), and the branch `revision`
    if it is given and not ``main``, then commits ``dataset_files(corpus_dir)``.

    Args:
        corpus_dir: The directory ``psft corpus build`` wrote.
        repo_id: ``ORG/NAME`` of the dataset repo.
        private: Create the repo as private.
        revision: Branch to commit to; None means the default branch.
        token: Hub token; None means HF_TOKEN or the ``hf auth login`` token.
        api: An ``HfApi``-like object (tests); None builds ``HfApi(token=token)``.
        commit_message: Defaults to "Upload corpus (N files) with psft".

    Returns:
        The commit URL (or the repo URL if the API returns no commit URL).

    Raises:
        PublishError: invalid input, not logged in, Hub unreachable or refusing.
    """
    if not _REPO_ID.match(repo_id):
        raise PublishError(f"repo id {repo_id!r} is not of the form ORG/NAME")
    root = Path(corpus_dir)
    files = dataset_files(root)

    from huggingface_hub import CommitOperationAdd, HfApi, constants, get_token
    from huggingface_hub.errors import LocalTokenNotFoundError

    endpoint = getattr(api, "endpoint", None) or constants.ENDPOINT
    operations = [CommitOperationAdd(path_in_repo=p, path_or_fileobj=str(root / p)) for p in files]
    message = commit_message or f"Upload corpus ({len(files)} files) with psft"
    try:
        if api is None:
            if token is None and get_token() is None:
                raise LocalTokenNotFoundError("no token")
            api = HfApi(token=token)
        repo_url = api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        if revision and revision != "main":
            api.create_branch(repo_id, repo_type="dataset", branch=revision, exist_ok=True)
        commit = api.create_commit(
            repo_id,
            repo_type="dataset",
            operations=operations,
            revision=revision,
            commit_message=message,
        )
    except Exception as err:
        mapped = _hub_error(err, repo_id, endpoint)
        if mapped is None:
            raise
        raise mapped from err
    return str(getattr(commit, "commit_url", None) or repo_url)
