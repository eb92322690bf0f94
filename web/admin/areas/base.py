"""What an admin area is: a table, its form, how it is shown, written, undone and audited.

Contract of an `Area` subclass: set `name` (the URL segment and the audit area),
`model`, `key_field` (the name people know the object by), `fields` and `columns`;
override `check` for rules across fields or rows (unique names...), `write_extra`
for what is not a plain column (skills, memberships), `describe_extra` for what the
audit log shows beyond the columns, `in_use` for why an object may not be deleted.
`children` lists the tables whose rows belong to an object, so a change the engine
refuses can be undone with them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from peewee import Model
from playhouse.shortcuts import model_to_dict

from appliance.store.models import BaseModel
from web.admin.schemas import Field, FormResult

HIDDEN_COLUMNS = ("id", "created_at", "state", "state_reason")


class Area:
    """One admin area (agents, queues...): see the module docstring for the contract."""

    name: ClassVar[str]
    title: ClassVar[Any]
    model: ClassVar[type[BaseModel]]
    key_field: ClassVar[str]
    fields: ClassVar[list[Field]]
    columns: ClassVar[list[tuple[str, Any]]]
    children: ClassVar[list[tuple[type[Model], str]]] = []
    reloads_engine: ClassVar[bool] = True  # the engine reads this table

    # --- reading ---------------------------------------------------------------
    def rows(self) -> list[Any]:
        """Return every object, in key order."""
        return list(self.model.select().order_by(getattr(self.model, self.key_field)))

    def get(self, object_id: int) -> Any | None:
        """Return the object with this id, or None."""
        return self.model.get_or_none(self.model.id == object_id)

    def key(self, obj: Any) -> str:
        """Return the name people know obj by."""
        return str(getattr(obj, self.key_field))

    def form_fields(self, obj: Any | None) -> list[Field]:
        """Return the fields of the form for obj (None: a new object)."""
        return self.fields

    def initial(self, obj: Any | None) -> dict[str, str]:
        """Return the text of each input for obj (defaults for a new one)."""
        source = obj if obj is not None else self.model()
        return {f.name: f.display(self.value_of(source, f.name)) for f in self.form_fields(obj)}

    def value_of(self, obj: Any, name: str) -> Any:
        """Return the value of field name for obj (a column unless overridden)."""
        return getattr(obj, name, None)

    def cell(self, obj: Any, column: str) -> Any:
        """Return what the list shows in column for obj."""
        return self.value_of(obj, column)

    # --- checking and writing ---------------------------------------------------
    def check(self, result: FormResult, obj: Any | None) -> None:
        """Add errors for rules across fields or rows to result.errors."""

    def unique(self, result: FormResult, obj: Any | None, name: str, message: Any) -> None:
        """Add message to field name when another row already has that value."""
        value = result.values.get(name)
        column = getattr(self.model, name)
        query = self.model.select().where(column == value)
        if obj is not None:
            query = query.where(self.model.id != obj.id)
        if value not in (None, "") and query.exists():
            result.errors.setdefault(name, str(message))

    def write(self, obj: Any | None, values: dict[str, Any]) -> Any:
        """Create or update obj from the form's values and return it."""
        obj = obj if obj is not None else self.model()
        columns = self.model._meta.fields
        for name, value in values.items():
            if name in columns and self.writes_column(name, value):
                setattr(obj, name, value)
        obj.save()
        self.write_extra(obj, values)
        return obj

    def writes_column(self, name: str, value: Any) -> bool:
        """Return true if the form's value replaces the column (an empty secret keeps it)."""
        return True

    def write_extra(self, obj: Any, values: dict[str, Any]) -> None:
        """Write what is not a plain column (children rows)."""

    def in_use(self, obj: Any) -> list[str]:
        """Return why obj may not be deleted (who uses it); empty when it may."""
        return []

    # --- audit and undo ---------------------------------------------------------
    def describe(self, obj: Any) -> dict[str, Any]:
        """Return obj as the audit log shows it: its columns and what belongs to it."""
        row = model_to_dict(obj, recurse=False)
        view = {k: v for k, v in row.items() if k not in HIDDEN_COLUMNS}
        view.update(self.describe_extra(obj))
        return view

    def describe_extra(self, obj: Any) -> dict[str, Any]:
        """Return the audit view of what is not a column."""
        return {}

    def snapshot(self, obj: Any) -> dict[str, Any]:
        """Return obj's row and its children's rows, to put back with `restore`."""
        kids = {
            child._meta.table_name: [
                model_to_dict(c, recurse=False)
                for c in child.select().where(getattr(child, fk) == obj.id)
            ]
            for child, fk in self.children
        }
        return {"row": model_to_dict(obj, recurse=False), "children": kids}

    def restore(self, snap: dict[str, Any]) -> None:
        """Put a snapshot back: the row as it was (re-created if deleted), its children too."""
        row = snap["row"]
        fields = {k: v for k, v in row.items() if k != "id"}
        if not self.model.update(**fields).where(self.model.id == row["id"]).execute():
            self.model.insert(**row).execute()
        for child, fk in self.children:
            child.delete().where(getattr(child, fk) == row["id"]).execute()
            rows = snap["children"][child._meta.table_name]
            if rows:
                child.insert_many(rows).execute()
