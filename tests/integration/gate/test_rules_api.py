"""The rules API: GET/POST/PATCH/DELETE /api/v1/rules, POST /api/v1/rules/dry-run, roles,
validation and the audit entries of rule changes."""
import time
import unittest

from harness import GateTestCase, make_message, submit


def rule(**kw):
    r = {"name": "r", "scope": "smtp", "match": {"subject": "x"}, "action": "hold", "priority": 10,
         "enabled": True}
    r.update(kw)
    return r


class RulesApiTest(GateTestCase):
    def setUp(self):
        self.gate = self.new_gate()

    def rules(self):
        return self.gate.api_json("GET", "/api/v1/rules")["items"]

    def test_crud(self):
        self.assertEqual(self.rules(), [])
        body = rule(name="newsletters", match={"subject": "newsletter", "from": "*@news.example"},
                    action="pass", priority=5)
        r = self.gate.api("POST", "/api/v1/rules", body)
        self.assertEqual(r.status, 201, r)
        created = r.json()
        rid = created["id"]
        self.assertIsInstance(rid, int)
        for k in ("name", "scope", "match", "action", "priority", "enabled"):
            self.assertEqual(created[k], body[k], k)
        self.assertEqual(self.rules(), [created])

        r = self.gate.api("PATCH", "/api/v1/rules/%d" % rid, {"enabled": False, "priority": 7})
        self.assertEqual(r.status, 200, r)
        patched = r.json()
        self.assertEqual((patched["enabled"], patched["priority"]), (False, 7))
        self.assertEqual(patched["match"], body["match"], "PATCH keeps what it does not name")
        self.assertEqual(self.rules(), [patched])

        r = self.gate.api("DELETE", "/api/v1/rules/%d" % rid)
        self.assertIn(r.status, (200, 204), r)
        self.assertEqual(self.rules(), [])
        self.assertProblem(self.gate.api("DELETE", "/api/v1/rules/%d" % rid), 404)
        self.assertProblem(self.gate.api("PATCH", "/api/v1/rules/%d" % rid, {"enabled": True}), 404)

        actions = [e["action"] for e in self.gate.audit()]
        for a in ("rule.create", "rule.update", "rule.delete"):
            self.assertIn(a, actions)

    def test_auto_release_minutes_round_trips(self):
        # The timer itself (minutes) is unit-tested; here only that the API keeps the setting.
        created = self.gate.api_json("POST", "/api/v1/rules", rule(name="cool-off", auto_release_minutes=30),
                                     expect=201)
        self.assertEqual(created["auto_release_minutes"], 30)
        self.assertEqual(self.rules()[0]["auto_release_minutes"], 30)
        r = self.gate.api("POST", "/api/v1/rules", rule(name="bad", auto_release_minutes=-5))
        self.assertIn(r.status, (400, 422), r)

    def test_invalid_rules_are_refused_with_problem_json(self):
        for bad in (rule(action="bounce"), rule(scope="pop3"), rule(match={"colour": "red"}),
                    rule(match={"subject": "/([unclosed/"}), rule(priority="high"), {"name": "no action"}):
            r = self.gate.api("POST", "/api/v1/rules", bad)
            self.assertIn(r.status, (400, 422), (bad, r))
            self.assertEqual(r.content_type, "application/problem+json", r)
        self.assertEqual(self.rules(), [])

    def test_disabled_rule_has_no_effect_and_enabled_one_does(self):
        # No upstream here: pass mail waits for its relay (queued/relay_failed) — not held.
        r = self.gate.api_json("POST", "/api/v1/rules", rule(name="pass-invoices", scope="all",
                                                             match={"subject": "invoice"},
                                                             action="pass", enabled=False), expect=201)
        submit(self.gate, make_message("invoice disabled-rule"))
        self.assertEqual([m["subject"] for m in self.gate.messages("held")], ["invoice disabled-rule"])
        self.gate.api_json("PATCH", "/api/v1/rules/%d" % r["id"], {"enabled": True})
        mid = submit(self.gate, make_message("invoice enabled-rule"))
        self.assertNotEqual(self.gate.message(mid)["status"], "held", "the enabled pass rule must apply")

    def test_held_by_names_the_rule_and_what_it_matches(self):
        r = self.gate.api_json("POST", "/api/v1/rules", rule(name="hold-payroll", scope="all",
                                                             match={"subject": "payroll"}), expect=201)
        by_rule = self.gate.message(submit(self.gate, make_message("payroll for march")))
        self.assertEqual(by_rule["held_by"], {"rule_id": r["id"], "rule_name": "hold-payroll",
                                              "match": {"subject": "payroll"}})
        by_default = self.gate.message(submit(self.gate, make_message("lunch on friday")))
        self.assertEqual(by_default["held_by"], {"rule_id": None, "rule_name": None, "match": None})

    def test_dry_run_matches_recent_messages_and_changes_nothing(self):
        ids = {}
        for s in ("Quarterly report", "lunch?", "quarterly REPORT v2", "unrelated"):
            ids[s] = submit(self.gate, make_message(s))
        before = {m["id"]: m["status"] for m in self.gate.messages()}
        r = self.gate.api("POST", "/api/v1/rules/dry-run",
                          {"rule": rule(match={"subject": "Report V2"}, action="pass"), "limit": 10})
        self.assertEqual(r.status, 200, r)
        got = sorted(m["id"] for m in r.json()["items"])
        self.assertEqual(got, [ids["quarterly REPORT v2"]])  # substring match, case-insensitive
        r = self.gate.api_json("POST", "/api/v1/rules/dry-run",
                               {"rule": rule(match={"subject": "quarterly*"}), "limit": 10})
        self.assertEqual(sorted(m["id"] for m in r["items"]),
                         sorted([ids["Quarterly report"], ids["quarterly REPORT v2"]]))
        # limit: only the newest `limit` messages are examined.
        r = self.gate.api_json("POST", "/api/v1/rules/dry-run",
                               {"rule": rule(match={"subject": "quarterly*"}), "limit": 2})
        self.assertEqual([m["id"] for m in r["items"]], [ids["quarterly REPORT v2"]])
        # Nothing changed: no rule stored, no status moved.
        self.assertEqual(self.rules(), [])
        self.assertEqual({m["id"]: m["status"] for m in self.gate.messages()}, before)
        self.assertProblem(self.gate.api("POST", "/api/v1/rules/dry-run", {"limit": 5}), 400)
        r = self.gate.api("POST", "/api/v1/rules/dry-run", {"rule": rule(), "limit": 0})
        self.assertIn(r.status, (400, 422), r)

    def test_reviewer_token_cannot_change_rules(self):
        r = self.gate.api("POST", "/api/v1/tokens", {"name": "ci-reviewer", "role": "reviewer"})
        self.assertIn(r.status, (200, 201), r)
        tok = r.json()["token"]
        self.assertEqual(self.gate.api("GET", "/api/v1/rules", token=tok).status, 200)
        self.assertProblem(self.gate.api("POST", "/api/v1/rules", rule(), token=tok), 403)
        # A reviewer may dry-run (it changes nothing).
        self.assertEqual(self.gate.api("POST", "/api/v1/rules/dry-run", {"rule": rule(), "limit": 5},
                                       token=tok).status, 200)
        self.assertEqual(self.rules(), [])


if __name__ == "__main__":
    unittest.main()
