"""The served schema contains every definition of ../shared/schema.graphql, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
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
        for arg_name, contract_arg in contract_field.args.items():
            served_arg = served_field.args.get(arg_name)
            if served_arg is None:
                problems.append(f"{where}({arg_name}:) is missing")
            elif str(served_arg.type) != str(contract_arg.type):
                problems.append(
                    f"{where}({arg_name}:) is {served_arg.type}, not {contract_arg.type}"
                )
            elif _default(served_arg) != _default(contract_arg):
                problems.append(f"{where}({arg_name}:) default differs")
        for arg_name, served_arg in served_field.args.items():
            if (
                arg_name not in contract_field.args
                and served_arg.type.__class__.__name__ == "GraphQLNonNull"
            ):
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
            for field_name, contract_field in contract_type.fields.items():
                served_field = served_type.fields.get(field_name)
                if served_field is None:
                    problems.append(f"{name}.{field_name} is missing")
                elif str(served_field.type) != str(contract_field.type):
                    problems.append(
                        f"{name}.{field_name} is {served_field.type}, not {contract_field.type}"
                    )
                elif _default(served_field) != _default(contract_field):
                    problems.append(f"{name}.{field_name} default differs")
            for field_name, served_field in served_type.fields.items():
                if (
                    field_name not in contract_type.fields
                    and "!" in str(served_field.type)
                    and _default(served_field) is None
                ):
                    problems.append(f"{name}.{field_name} is a new required input field")
    assert problems == []


def test_graphql_core_finds_no_breaking_change(
    contract: GraphQLSchema, served: GraphQLSchema
) -> None:
    changes = [change.description for change in find_breaking_changes(contract, served)]
    assert changes == []
