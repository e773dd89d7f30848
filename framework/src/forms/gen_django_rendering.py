"""Regenerate django_rendering.json: how Django 5.2 renders the forms that pony's
rendering tests declare the same way (forms/tests.rs), for the tests to compare against.

    python3 -m venv /tmp/dj && /tmp/dj/bin/pip install 'django==5.2.*'
    /tmp/dj/bin/python gen_django_rendering.py > django_rendering.json
"""

import json
import sys

import django
from django.conf import settings
settings.configure(USE_I18N=False)
django.setup()
from django import forms

class DateInput(forms.DateInput):
    input_type = "date"

class ContactForm(forms.Form):
    name = forms.CharField(max_length=100, label="Your name", help_text="As on your passport.")
    message = forms.CharField(widget=forms.Textarea)
    email = forms.EmailField()
    age = forms.IntegerField(required=False)
    subscribe = forms.BooleanField(required=False)
    fruit = forms.ChoiceField(choices=[("a", "Apple"), ("b", "Banana")])
    birthday = forms.DateField(required=False, widget=DateInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)
    password = forms.CharField(widget=forms.PasswordInput, min_length=8)

class HiddenForm(forms.Form):
    title = forms.CharField(max_length=5)
    token = forms.CharField(widget=forms.HiddenInput)
    def clean(self):
        raise forms.ValidationError("Something's wrong & <bad>.")

class OnlyHidden(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)

out = {}
f = ContactForm()
for m in ["as_div", "as_p", "as_table", "as_ul"]:
    out["unbound_" + m] = getattr(f, m)()
bound = ContactForm({"name": 'A&B "q" <x>', "message": "", "email": "bad", "age": "x", "subscribe": "on",
                     "fruit": "c", "birthday": "2024-02-30", "next": "/n?a=1&b=2", "password": "short"})
bound.is_valid()
for m in ["as_div", "as_p", "as_table", "as_ul"]:
    out["bound_" + m] = getattr(bound, m)()
good = ContactForm({"name": "Ada", "message": "Hi\n<there>", "email": "ada@example.com", "age": "36", "fruit": "b",
                    "birthday": "1815-12-10", "password": "longenough"})
out["good_valid"] = good.is_valid()
out["good_as_div"] = good.as_div()
h = HiddenForm({"title": "toolong"})
h.is_valid()
for m in ["as_div", "as_p", "as_table", "as_ul"]:
    out["hidden_" + m] = getattr(h, m)()
out["hidden_non_field"] = str(h.non_field_errors())
out["hidden_errors"] = str(h.errors)
o = OnlyHidden({})
o.is_valid()
for m in ["as_div", "as_p", "as_table", "as_ul"]:
    out["onlyhidden_" + m] = getattr(o, m)()
out["onlyhidden_unbound_div"] = OnlyHidden().as_div()
init = ContactForm(initial={"name": "Init <me>", "subscribe": True, "fruit": "b", "password": "secret", "age": 5, "message": "m&m"})
out["initial_as_div"] = init.as_div()
json.dump(out, sys.stdout, indent=1)
