"""Reads the deployment files the way Docker does, so tests can check them and replay them here.

No Docker engine is needed: a Dockerfile is parsed into its instructions (ARG, ENV, COPY, RUN,
CMD, HEALTHCHECK...) with its build arguments expanded, an image path is mapped back to the
repository file it was copied from, and compose.yaml is interpolated from a `.env` the way
`docker compose` does.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "compose.yaml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
SUBGRAPHS = ("users", "posts")

# Instructions whose arguments Docker expands $NAME and ${NAME} in, from the ARG and ENV values
# declared before them; RUN, CMD, ENTRYPOINT and HEALTHCHECK get ARG values as environment
# variables instead, for the shell or the program to read.
EXPANDED_KEYWORDS = frozenset(
    ("ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR")
)
DOCKERFILE_VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)\}|(?P<plain>\w+))")

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
COMPOSE_VARIABLE = re.compile(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?[-?])(?P<argument>[^}]*))?\}"
)


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


@dataclass(frozen=True)
class Copy:
    source: str
    destination: str


class Dockerfile:
    """One Dockerfile built with `build_args`; only the single-stage, exec-form subset this
    repository uses. An ARG without a value is empty, as in Docker."""

    def __init__(
        self, path: Path, context: Path = REPO_ROOT, build_args: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self.context = context
        self.build_args = dict(build_args or {})
        self.instructions = _expanded(_instructions(path.read_text()), self.build_args)

    def arguments(self, keyword: str) -> list[str]:
        return [item.arguments for item in self.instructions if item.keyword == keyword]

    @property
    def base_image(self) -> str:
        return self.arguments("FROM")[0].split()[0]

    def env(self, *, before: Instruction | None = None) -> dict[str, str]:
        """The ENV values in force (at the end, or just before `before`)."""
        values: dict[str, str] = {}
        for item in self.instructions:
            if item is before:
                break
            if item.keyword == "ENV":
                values.update(_env_assignments(item.arguments))
        return values

    def arguments_in_scope(self, *, before: Instruction) -> dict[str, str]:
        """The ARG values a RUN step sees in its environment."""
        values: dict[str, str] = {}
        for item in self.instructions:
            if item is before:
                break
            if item.keyword == "ARG":
                name, value = _declared_argument(item, self.build_args)
                values[name] = value
        return values

    @property
    def workdir(self) -> str:
        return self.arguments("WORKDIR")[-1]

    @property
    def user(self) -> str | None:
        users = self.arguments("USER")
        return users[-1] if users else None

    @property
    def copies(self) -> list[Copy]:
        copies = []
        for arguments in self.arguments("COPY"):
            *sources, destination = [
                word for word in arguments.split() if not word.startswith("--")
            ]
            copies.extend(Copy(source, destination) for source in sources)
        return copies

    @property
    def command(self) -> list[str]:
        """ENTRYPOINT followed by CMD, as the container runs them (exec form only)."""
        return [
            *(_exec_form(self.arguments("ENTRYPOINT")[-1]) if self.arguments("ENTRYPOINT") else []),
            *(_exec_form(self.arguments("CMD")[-1]) if self.arguments("CMD") else []),
        ]

    @property
    def healthcheck(self) -> list[str]:
        arguments = self.arguments("HEALTHCHECK")[-1]
        _, _, command = arguments.partition("CMD ")
        return _exec_form(command.strip())

    def run(self, containing: str) -> Instruction:
        """The RUN instruction whose command contains `containing`."""
        [match] = [
            item
            for item in self.instructions
            if item.keyword == "RUN" and containing in item.arguments
        ]
        return match

    def repo_path(self, image_path: str) -> Path | None:
        """The file in the build context that COPY put at `image_path`, if one did."""
        target = PurePosixPath(image_path)
        best: tuple[int, Path] | None = None
        for copy in self.copies:
            destination = PurePosixPath(copy.destination)
            source = PurePosixPath(copy.source)
            if any(character in copy.source for character in "*?["):
                # A wildcard source copies the files it matches into the destination folder.
                if target.parent == destination and fnmatch.fnmatchcase(target.name, source.name):
                    depth = len(target.parts)
                    if best is None or depth > best[0]:
                        best = (depth, self.context / source.parent / target.name)
                continue
            if (self.context / copy.source).is_file():
                # A file copied into a folder (destination ending in "/") keeps its name.
                into_folder = copy.destination.endswith("/")
                placed = destination / source.name if into_folder else destination
                if target == placed:
                    depth = len(target.parts)
                    if best is None or depth > best[0]:
                        best = (depth, self.context / copy.source)
                continue
            if target == destination or destination in target.parents:
                relative = target.relative_to(destination)
                depth = len(destination.parts)
                if best is None or depth > best[0]:
                    best = (depth, self.context / copy.source / relative)
        return best[1] if best else None

    def host_command(self, command: list[str]) -> list[str]:
        """`command` with every image path that COPY filled replaced by the repository file."""
        return [
            str(self.repo_path(word) or word) if word.startswith("/") else word for word in command
        ]


def _instructions(text: str) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending = ""
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, arguments = line.partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
    return instructions


def _declared_argument(item: Instruction, build_args: Mapping[str, str]) -> tuple[str, str]:
    """An ARG's name and value: the build argument given, else its default, else empty."""
    name, _, default = item.arguments.partition("=")
    return name, build_args.get(name, default)


def _expanded(instructions: list[Instruction], build_args: Mapping[str, str]) -> list[Instruction]:
    """The instructions with ARG and ENV references expanded where Docker expands them."""
    values: dict[str, str] = {}
    expanded = []
    for item in instructions:
        arguments = item.arguments
        if item.keyword in EXPANDED_KEYWORDS:
            arguments = DOCKERFILE_VARIABLE.sub(
                lambda match: values.get(match["braced"] or match["plain"], ""), arguments
            )
        expanded_item = Instruction(item.keyword, arguments)
        if item.keyword == "ARG":
            name, value = _declared_argument(expanded_item, build_args)
            values[name] = value
        elif item.keyword == "ENV":
            values.update(_env_assignments(arguments))
        expanded.append(expanded_item)
    return expanded


def _env_assignments(arguments: str) -> dict[str, str]:
    """NAME=value pairs of one ENV instruction."""
    pairs = (assignment.partition("=") for assignment in shlex.split(arguments))
    return {name: value for name, _, value in pairs}


def _exec_form(arguments: str) -> list[str]:
    command = json.loads(arguments)
    assert isinstance(command, list), f"not an exec-form command: {arguments}"
    return command


def subgraph_dockerfile(service: str) -> Dockerfile:
    """The Dockerfile compose.yaml builds `service`'s image with, and its build arguments."""
    build = compose()["services"][service]["build"]
    context = REPO_ROOT / build["context"]
    return Dockerfile(context / build["dockerfile"], context, build.get("args"))


# ------------------------------------------------------------------------------------ compose


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def bind_mounts(service: str) -> dict[str, Path]:
    """`service`'s bind mounts from the repository: container path -> repository path."""
    mounts = {}
    for volume in compose()["services"][service].get("volumes", []):
        source, target, *_ = volume.split(":")
        if source.startswith("./"):
            mounts[target] = REPO_ROOT / source
    return mounts


class MissingVariableError(LookupError):
    pass


def interpolate(value: Any, variables: Mapping[str, str]) -> Any:
    """`value` with ${...} references resolved like `docker compose` does (recursively)."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def resolve(match: re.Match[str]) -> str:
        name, operator, argument = match["name"], match["operator"], match["argument"]
        current = variables.get(name)
        unset = current is None
        empty = not current
        if operator == ":-":
            return argument if empty else current
        if operator == "-":
            return argument if unset else current
        if (operator == ":?" and empty) or (operator == "?" and unset):
            raise MissingVariableError(f"{name}: {argument}")
        return current or ""

    return COMPOSE_VARIABLE.sub(resolve, value)


def referenced_variables(value: Any = None) -> set[str]:
    """Every variable compose.yaml (or a part of it) interpolates."""
    value = compose() if value is None else value
    if isinstance(value, dict):
        return set().union(*(referenced_variables(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(referenced_variables(item) for item in value))
    if isinstance(value, str):
        return {match["name"] for match in COMPOSE_VARIABLE.finditer(value)}
    return set()


def read_dotenv(path: Path) -> dict[str, str]:
    """A .env file as compose reads it: NAME=value lines; double quotes expand \\n."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "=" not in line:
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace("\\n", "\n")
        elif len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def service_environment(service: str, dotenv: Mapping[str, str]) -> dict[str, str]:
    """The variables compose.yaml gives `service`'s container, interpolated from `dotenv`."""
    environment = compose()["services"][service].get("environment", {})
    assert isinstance(environment, dict), "environment is written as a mapping in compose.yaml"
    return {name: str(value) for name, value in interpolate(environment, dotenv).items()}


# -------------------------------------------------------------------------------- .dockerignore


def dockerignore_excludes(relative_path: str, patterns: list[str]) -> bool:
    """Whether a context path is left out, by Docker's rules: the last matching pattern wins and
    a pattern that matches a parent folder matches everything in it."""
    parts = PurePosixPath(relative_path).parts
    candidates = ["/".join(parts[: length + 1]) for length in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        expression = _dockerignore_regex(pattern.removeprefix("!"))
        if any(expression.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def dockerignore_patterns(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line.rstrip("/") for line in lines if line and not line.startswith("#")]


def _dockerignore_regex(pattern: str) -> re.Pattern[str]:
    expression = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            expression += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            expression += ".*"
            index += 2
        elif pattern[index] == "*":
            expression += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            expression += "[^/]"
            index += 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            expression += pattern[index : end + 1]
            index = end + 1
        else:
            expression += re.escape(pattern[index])
            index += 1
    return re.compile(expression)
