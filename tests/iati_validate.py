"""Validate an IATI activity file with pyiati (PyPI `pyiati`): the 2.03 schema, IATI's codelists
and its standard ruleset, as pyiati ships and applies them (`iati.validator.full_validation`).

Prints one JSON object: the errors and warnings, how many of the warnings are rules skipped
because the file has nothing they apply to (an activity file has no organisation-file elements,
results or planned disbursements; an activity not ended has no actual end), and the organisation refs that do not begin with a code of
pyiati's OrganisationRegistrationAgency codelist. Exit 3 when pyiati cannot be imported.

Usage: python3 tests/iati_validate.py FILE.xml
"""

import json
import sys

try:
    import iati
    import iati.default
    import iati.validator
except Exception as why:  # pyiati or one of its dependencies is missing
    print(json.dumps({"unavailable": repr(why)}))
    sys.exit(3)


def main(path):
    with open(path, "rb") as f:
        dataset = iati.Dataset(f.read())
    schema = iati.default.activity_schema("2.03")
    log = iati.validator.full_validation(dataset, schema)

    # pyiati skips a rule (a warning) when its context matches nothing in the file, or when the
    # first element it checks lacks what the rule compares (an activity not ended has no actual
    # end date to order), and then checks no further element. So each skipped rule is applied
    # again, with pyiati's own check, to every element of its context: one that fails is an
    # error; a rule that fails nowhere did not apply to the file, and is counted apart.
    not_applicable = 0
    failures = []
    for ruleset in schema.rulesets:
        for rule in ruleset.rules:
            if rule.is_valid_for(dataset) is not None:
                continue
            failed = [
                element.sourceline
                for element in dataset.xml_tree.xpath(rule.context)
                if rule._check_against_Rule(element) is False
            ]
            if failed:
                failures.append({"name": rule.name, "info": str(rule), "line": failed[0]})
            else:
                not_applicable += 1

    agencies = iati.default.codelist("OrganisationRegistrationAgency", "2.03").codes
    agency_codes = [code.value for code in agencies]
    refs = dataset.xml_tree.xpath(
        "//reporting-org/@ref | //participating-org/@ref | //provider-org/@ref"
        " | //receiver-org/@ref"
    )
    unregistered = sorted(
        {ref for ref in refs if not any(ref.startswith(a + "-") for a in agency_codes)}
    )

    def describe(e):
        return {
            "name": e.name,
            "line": getattr(e, "line_number", None),
            "value": getattr(e, "actual_value", None),
            "info": getattr(e, "info", ""),
        }

    print(
        json.dumps(
            {
                "errors": [describe(e) for e in log.get_errors()] + failures,
                "warnings": [describe(e) for e in log.get_warnings()],
                "not_applicable": not_applicable,
                "unregistered_refs": unregistered,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
