"""The served schema contains every definition of ../shared/schema.graphql, unchanged."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
)
from graphql.utilities import value_from_ast_untyped

from schema import schema as served_schema

CONTRACT_PATH = Path(__file__).resolve().parents[3] / "shared" / "schema.graphql"


@pytest.fixture(scope="module")
def contract() -> GraphQLSchema:
    return build_schema(CONTRACT_PATH.read_text())


@pytest.fixture(scope="module")
def served() -> GraphQLSchema:
    return build_schema(served_schema.as_str())


def _contract_types(contract: GraphQLSchema) -> dict[str, GraphQLNamedType]:
    return {
        name: named_type
        for name, named_type in contract.type_map.items()
        if not name.startswith("__") and name not in {"String", "Int", "Float", "Boolean", "ID"}
    }


def _default(field_or_arg: object) -> object:
    node = getattr(field_or_arg, "ast_node", None)
    default = getattr(node, "default_value", None)
    return None if default is None else value_from_ast_untyped(default)


Input = TypeVar("Input", GraphQLArgument, GraphQLInputField)


def _compare_inputs(
    label: str,
    contract_inputs: Mapping[str, Input],
    served_inputs: Mapping[str, Input],
    problems: list[str],
) -> dict[str, Input]:
    """A field's arguments or an input type's fields: each one the contract has is served with
    its type and default (`label` names one: "Type.field({}:)", "Input.{}"). Returns those the
    contract does not have."""
    for input_name, contract_input in contract_inputs.items():
        served_input = served_inputs.get(input_name)
        where = label.format(input_name)
        if served_input is None:
            problems.append(f"{where} is missing")
        elif str(served_input.type) != str(contract_input.type):
            problems.append(f"{where} is {served_input.type}, not {contract_input.type}")
        elif _default(served_input) != _default(contract_input):
            problems.append(f"{where} default differs")
    return {
        input_name: served_input
        for input_name, served_input in served_inputs.items()
        if input_name not in contract_inputs
    }


def _compare_fields(
    path: str,
    contract_fields: dict[str, GraphQLField],
    served_fields: dict[str, GraphQLField],
    problems: list[str],
) -> None:
    for field_name, contract_field in contract_fields.items():
        where = f"{path}.{field_name}"
        served_field = served_fields.get(field_name)
        if served_field is None:
            problems.append(f"{where} is missing")
            continue
        if str(served_field.type) != str(contract_field.type):
            problems.append(f"{where} is {served_field.type}, contract says {contract_field.type}")
        new_args = _compare_inputs(
            where + "({}:)", contract_field.args, served_field.args, problems
        )
        for arg_name, served_arg in new_args.items():
            if served_arg.type.__class__.__name__ == "GraphQLNonNull":
                problems.append(f"{where}({arg_name}:) is a new required argument")


def test_served_schema_contains_every_contract_definition_unchanged(
    contract: GraphQLSchema, served: GraphQLSchema
) -> None:
    problems: list[str] = []
    for name, contract_type in _contract_types(contract).items():
        served_type = served.type_map.get(name)
        if served_type is None:
            problems.append(f"type {name} is missing")
            continue
        if type(served_type) is not type(contract_type):
            problems.append(
                f"{name} is a {type(served_type).__name__}, not {type(contract_type).__name__}"
            )
            continue
        if isinstance(contract_type, GraphQLEnumType):
            assert isinstance(served_type, GraphQLEnumType)
            missing = set(contract_type.values) - set(served_type.values)
            problems.extend(f"{name}.{value} is missing" for value in sorted(missing))
        elif isinstance(contract_type, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(served_type, GraphQLObjectType | GraphQLInterfaceType)
            _compare_fields(name, contract_type.fields, served_type.fields, problems)
            served_interfaces = {interface.name for interface in served_type.interfaces}
            for interface in contract_type.interfaces:
                if interface.name not in served_interfaces:
                    problems.append(f"{name} does not implement {interface.name}")
        elif isinstance(contract_type, GraphQLInputObjectType):
            assert isinstance(served_type, GraphQLInputObjectType)
            new = _compare_inputs(name + ".{}", contract_type.fields, served_type.fields, problems)
            for field_name, served_field in new.items():
                if "!" in str(served_field.type) and _default(served_field) is None:
                    problems.append(f"{name}.{field_name} is a new required input field")
    assert problems == []


def test_graphql_core_finds_no_breaking_change(
    contract: GraphQLSchema, served: GraphQLSchema
) -> None:
    changes = [change.description for change in find_breaking_changes(contract, served)]
    assert changes == []
