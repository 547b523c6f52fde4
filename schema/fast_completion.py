"""An executor that completes an operation's plain fields from a plan made once per selection,
leaving every other field to graphql-core (issue 15: field completion of list pages)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.pyutils import Path, gather_with_cancel
from graphql.type.introspection import TypeNameMetaFieldDef
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

if TYPE_CHECKING:
    from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet

ReadAttribute = Callable[[Any, str], Any]

# What a planned field is (plain ints: the loop compares them for every field).
RESOLVED = 0  # graphql-core's own execute_field: resolvers, arguments, anything unusual
TYPENAME = 1  # `__typename`: the parent type's name
LEAF = 2  # an attribute that needs only its scalar's or enum's serialisation
OBJECT = 3  # an attribute holding an object, completed by its own plan
OBJECT_LIST = 4  # an attribute holding a list of objects
LEAF_LIST = 5  # an attribute holding a list of scalars or enum values

# Values of these exact classes are neither awaitable nor an exception: graphql-core would
# serialise them straight away, so the fast path skips its checks for them.
PLAIN_VALUE_TYPES = frozenset((str, int, bool, float, datetime))
# Directives that collect_fields has already applied by the time a plan is made.
APPLIED_DIRECTIVES = frozenset(("skip", "include"))
STRAWBERRY_IS_TYPE_OF = "GraphQLCoreConverter.from_object.<locals>._get_is_type_of.<locals>"

# (kind, response key, field details, attribute reader, attribute name, leaf serialiser or the
# typename or the object type, whether null is an error, whether a null item is an error)
PlannedField = tuple[int, str, "FieldDetailsList", ReadAttribute | None, str, Any, bool, bool]
Plan = tuple[PlannedField, ...]


def checks_only_the_value(object_type: GraphQLObjectType) -> bool:
    """Whether the type's `is_type_of` is none or one Strawberry made (it reads only the value,
    never the resolve info, so the fast path may call it without one)."""
    is_type_of = object_type.is_type_of
    return is_type_of is None or (
        getattr(is_type_of, "__module__", None) == "strawberry.schema.schema_converter"
        and getattr(is_type_of, "__qualname__", "").startswith(STRAWBERRY_IS_TYPE_OF)
    )


def attribute_read(field_def: Any) -> tuple[ReadAttribute, str] | None:
    """(reader, attribute name) of a Strawberry field answered by reading an attribute of its
    parent, exactly as Strawberry's own basic-field resolver reads it; None for any other."""
    field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolve = field_def.resolve
    if (
        not isinstance(field, StrawberryField)
        or type(field).get_result is not StrawberryField.get_result
        or field.base_resolver is not None
        or field.extensions
        or field_def.args
        or getattr(resolve, "__name__", None) != "_get_basic_result"
        or getattr(resolve, "_is_default", False) is not True
    ):
        return None
    return field.default_resolver, field.python_name


class FastCompletionExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, but a field that only reads an attribute of its parent (a
    Strawberry field without a resolver) and whose value is a scalar, an enum, an object or a
    list of them is completed in one loop, without a resolve info, a path or a resolver call.

    Anything that may go wrong on the fast path (a null in a non-null field, a value its
    scalar refuses, an object its type does not accept) hands the field to graphql-core before
    anything of it has run, so errors, their paths and the order of keys are graphql-core's.
    With resolve middleware (an extension with a `resolve` hook) every field goes the stock way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        middleware = self.middleware_manager
        self.plans_fields = middleware is None or not middleware.middlewares
        # Keyed by id() as graphql-core's own memo is: the field set is kept alive beside its
        # plan, so no other set can take its id during this operation.
        self.completion_plans: dict[int, tuple[GroupedFieldSet, Plan | None]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if path is None or position_context is not None:
            # The root's fields all have resolvers; a subscription collects them anew for
            # every event, and a plan for each would only grow the memo.
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        planned = self.completion_plans.get(id(grouped_field_set))
        if planned is None:
            plan = self.plan(parent_type, grouped_field_set) if self.plans_fields else None
            self.completion_plans[id(grouped_field_set)] = (grouped_field_set, plan)
        else:
            plan = planned[1]
        if plan is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        type_name = parent_type.name
        try:
            for kind, key, details, read, name, leaf, non_null, item_non_null in plan:
                if kind == LEAF:
                    assert read is not None
                    try:
                        value = read(source_value, name)
                        if value is None:
                            if not non_null:
                                results[key] = None
                                continue
                        elif value.__class__ in PLAIN_VALUE_TYPES or not (
                            value is Undefined
                            or isinstance(value, Exception)
                            or is_awaitable(value)
                        ):
                            completed = leaf(value)
                            if completed is not None and completed is not Undefined:
                                results[key] = completed
                                continue
                    except Exception:  # noqa: BLE001 - graphql-core's own path reports it below
                        pass
                    result = self.execute_field(
                        parent_type, source_value, details, Path(path, key, type_name), None
                    )
                elif kind == TYPENAME:
                    results[key] = leaf
                    continue
                elif kind == OBJECT:
                    result = self.complete_object_field(
                        parent_type, source_value, path, key, details, read, name, leaf, non_null
                    )
                elif kind == OBJECT_LIST:
                    result = self.complete_object_list_field(
                        parent_type,
                        source_value,
                        path,
                        key,
                        details,
                        read,
                        name,
                        leaf,
                        non_null,
                        item_non_null,
                    )
                elif kind == LEAF_LIST:
                    result = self.complete_leaf_list_field(
                        parent_type,
                        source_value,
                        path,
                        key,
                        details,
                        read,
                        name,
                        leaf,
                        non_null,
                        item_non_null,
                    )
                else:
                    result = self.execute_field(
                        parent_type, source_value, details, Path(path, key, type_name), None
                    )
                if result is not Undefined:
                    results[key] = result
                    if result.__class__ is not dict and is_awaitable(result):
                        awaitable_fields.append(key)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self.gather_fields(results, awaitable_fields)

    @staticmethod
    async def gather_fields(results: dict[str, Any], awaitable_fields: list[str]) -> Any:
        # As graphql-core's execute_fields: one awaitable is awaited alone.
        if len(awaitable_fields) == 1:
            field = awaitable_fields[0]
            results[field] = await results[field]
        else:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results

    def plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        return tuple(
            self.plan_field(parent_type, key, details) for key, details in grouped_field_set.items()
        )

    def plan_field(
        self, parent_type: GraphQLObjectType, key: str, details: FieldDetailsList
    ) -> PlannedField:
        resolved: PlannedField = (RESOLVED, key, details, None, "", None, False, False)
        first_node = details[0].node
        for field_details in details:
            if (
                field_details.defer_usage is not None
                or field_details.fragment_variable_values is not None
            ) or any(
                directive.name.value not in APPLIED_DIRECTIVES
                for directive in field_details.node.directives or ()
            ):
                return resolved
        field_def = self.schema.get_field(parent_type, first_node.name.value)
        if field_def is None:
            return resolved
        if field_def is TypeNameMetaFieldDef:
            return (TYPENAME, key, details, None, "", parent_type.name, True, False)
        read = attribute_read(field_def)
        if read is None or first_node.arguments:
            return resolved
        reader, name = read
        return_type: GraphQLOutputType = field_def.type
        non_null = is_non_null_type(return_type)
        named: Any = get_nullable_type(return_type)
        if is_leaf_type(named):
            return (LEAF, key, details, reader, name, named.coerce_output_value, non_null, False)
        if is_object_type(named) and checks_only_the_value(named):
            return (OBJECT, key, details, reader, name, named, non_null, False)
        if not is_list_type(named):
            return resolved
        item_type = named.of_type
        item_non_null = is_non_null_type(item_type)
        item = item_type.of_type if item_non_null else item_type
        if is_leaf_type(item):
            planned_leaf = item.coerce_output_value
            return (LEAF_LIST, key, details, reader, name, planned_leaf, non_null, item_non_null)
        if is_object_type(item) and checks_only_the_value(item):
            return (OBJECT_LIST, key, details, reader, name, item, non_null, item_non_null)
        return resolved

    def complete_object_field(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        key: str,
        details: FieldDetailsList,
        read: ReadAttribute | None,
        name: str,
        object_type: GraphQLObjectType,
        non_null: bool,
    ) -> Any:
        field_path = Path(path, key, parent_type.name)
        assert read is not None
        try:
            value = read(source_value, name)
            if value is None:
                if not non_null:
                    return None
                acceptable = False
            else:
                acceptable = self.accepts(object_type, value)
        except Exception:  # noqa: BLE001 - graphql-core's own path reports it below
            acceptable = False
        if not acceptable:
            return self.execute_field(parent_type, source_value, details, field_path, None)
        return_type = parent_type.fields[details[0].node.name.value].type
        try:
            completed = self.complete_fields_of(object_type, details, field_path, value)
        except Exception as raw_error:  # noqa: BLE001 - as graphql-core: every field error is reported
            self.handle_field_error(raw_error, return_type, details, field_path)
            return None
        if completed.__class__ is not dict and self.is_awaitable(completed):
            return self.await_completed(completed, return_type, details, field_path)
        return completed

    def complete_object_list_field(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        key: str,
        details: FieldDetailsList,
        read: ReadAttribute | None,
        name: str,
        item_type: GraphQLObjectType,
        non_null: bool,
        item_non_null: bool,
    ) -> Any:
        field_path = Path(path, key, parent_type.name)
        assert read is not None
        try:
            items = read(source_value, name)
            if items is None:
                if not non_null:
                    return None
                acceptable = False
            else:
                acceptable = type(items) in (list, tuple) and all(
                    self.accepts(item_type, item) if item is not None else not item_non_null
                    for item in items
                )
        except Exception:  # noqa: BLE001 - graphql-core's own path reports it below
            acceptable = False
        if not acceptable:
            return self.execute_field(parent_type, source_value, details, field_path, None)
        return_type = parent_type.fields[details[0].node.name.value].type
        list_type: Any = get_nullable_type(return_type)
        declared_item_type = list_type.of_type
        is_awaitable = self.is_awaitable
        completed_items: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            # Every item has the same type and selection: its fields are collected once (as
            # `complete_fields_of` would for each), at the first item.
            collected: Any = None
            execute_fields = self.execute_fields
            for index, item in enumerate(items):
                item_path = Path(field_path, index, None)
                if item is None:
                    completed_items.append(None)
                    continue
                try:
                    if collected is None:
                        collected = self.collect_subfields(item_type, details)
                    grouped_field_set, new_defer_usages, _ = collected
                    if new_defer_usages:
                        completed = self.complete_fields_of(item_type, details, item_path, item)
                    else:
                        completed = execute_fields(
                            item_type, item, item_path, grouped_field_set, None
                        )
                except Exception as raw_error:  # noqa: BLE001 - as graphql-core: every field error is reported
                    self.handle_field_error(raw_error, declared_item_type, details, item_path)
                    completed_items.append(None)
                    continue
                # A dict is a completed object: nothing to await.
                if completed.__class__ is not dict and is_awaitable(completed):
                    completed_items.append(
                        self.await_completed(completed, declared_item_type, details, item_path)
                    )
                    awaitable_indices.append(index)
                else:
                    completed_items.append(completed)
        except Exception as raw_error:  # noqa: BLE001 - as graphql-core: every field error is reported
            if awaitable_indices:
                self.settle_in_background([completed_items[index] for index in awaitable_indices])
            self.handle_field_error(raw_error, return_type, details, field_path)
            return None
        if not awaitable_indices:
            return completed_items
        return self.await_completed(
            self.gather_items(completed_items, awaitable_indices), return_type, details, field_path
        )

    @staticmethod
    async def gather_items(completed_items: list[Any], awaitable_indices: list[int]) -> list[Any]:
        # As graphql-core's complete_iterable_value: one awaitable is awaited alone.
        if len(awaitable_indices) == 1:
            index = awaitable_indices[0]
            completed_items[index] = await completed_items[index]
        else:
            awaited = await gather_with_cancel(
                *(completed_items[index] for index in awaitable_indices)
            )
            for index, item in zip(awaitable_indices, awaited, strict=True):
                completed_items[index] = item
        return completed_items

    def complete_leaf_list_field(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        key: str,
        details: FieldDetailsList,
        read: ReadAttribute | None,
        name: str,
        serialise: Callable[[Any], Any],
        non_null: bool,
        item_non_null: bool,
    ) -> Any:
        assert read is not None
        try:
            items = read(source_value, name)
            if items is None and not non_null:
                return None
            if type(items) in (list, tuple):
                completed_items = [self.leaf_item(serialise, item, item_non_null) for item in items]
                if Undefined not in completed_items:
                    return completed_items
        except Exception:  # noqa: BLE001 - graphql-core's own path reports it below
            pass
        field_path = Path(path, key, parent_type.name)
        return self.execute_field(parent_type, source_value, details, field_path, None)

    def leaf_item(self, serialise: Callable[[Any], Any], item: Any, item_non_null: bool) -> Any:
        """The serialised item; Undefined where graphql-core would report an error or await."""
        if item is None:
            return Undefined if item_non_null else None
        if item is Undefined or isinstance(item, Exception) or self.is_awaitable(item):
            return Undefined
        completed = serialise(item)
        return Undefined if completed is None else completed

    def accepts(self, object_type: GraphQLObjectType, value: Any) -> bool:
        """Whether graphql-core would complete `value` as `object_type` without an error."""
        if value is Undefined or isinstance(value, Exception) or self.is_awaitable(value):
            return False
        is_type_of: Any = object_type.is_type_of
        return is_type_of is None or bool(is_type_of(value, None))

    def complete_fields_of(
        self,
        object_type: GraphQLObjectType,
        details: FieldDetailsList,
        path: Path,
        value: Any,
    ) -> Any:
        """As graphql-core's collect_and_execute_subfields, without deferred fragments (the
        schema has no @defer; with one, graphql-core's own path runs)."""
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, details)
        if new_defer_usages:
            return self.execute_collected_subfields(
                object_type, value, path, grouped_field_set, new_defer_usages, None
            )
        return self.execute_fields(object_type, value, path, grouped_field_set, None)

    async def await_completed(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        details: FieldDetailsList,
        path: Path,
    ) -> Any:
        # As graphql-core's execute_field and complete_list_item_value do for a completion
        # that turned out awaitable.
        try:
            return await completed
        except Exception as raw_error:  # noqa: BLE001 - as graphql-core: every field error is reported
            self.handle_field_error(raw_error, return_type, details, path)
            return None
