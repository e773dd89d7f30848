//! Forms end to end inside the crate: the derive, Django's cleaning order, and rendering
//! compared with what Django 5.2 renders for the same forms (`django_rendering.json`,
//! from `gen_django_rendering.py`).

use std::sync::Mutex;

use chrono::NaiveDate;
use minijinja::value::Value;

use super::*;
use crate::Form;

#[derive(Form, Debug, Default, Clone, PartialEq)]
#[form(clean = Self::check)]
pub struct ContactForm {
    #[field(
        max_length = 100,
        label = "Your name",
        help_text = "As on your passport."
    )]
    pub name: String,
    #[field(widget = "textarea")]
    pub message: String,
    #[field(email)]
    pub email: String,
    pub age: Option<i64>,
    pub subscribe: bool,
    #[field(choices = "a:Apple, b:Banana")]
    pub fruit: String,
    pub birthday: Option<NaiveDate>,
    #[field(widget = "hidden", required = false)]
    pub next: String,
    #[field(widget = "password", min_length = 8, clean = check_password)]
    pub password: String,
}

impl ContactForm {
    fn check(data: &Partial<Self>, errors: &mut FormErrors) {
        if data.name.is_some() && data.name == data.password {
            errors.add(None, "Your password cannot be your name.");
        }
        if data.subscribe == Some(true) && data.age.flatten().is_some_and(|age| age < 16) {
            errors.add(Some("subscribe"), "You must be 16 to subscribe.");
        }
    }
}

fn check_password(value: String) -> Result<String, ValidationError> {
    if value.to_lowercase().contains("password") {
        return Err(ValidationError::new("That password is too obvious."));
    }
    Ok(value)
}

#[derive(Form, Debug)]
pub struct HiddenForm {
    #[field(max_length = 5)]
    pub title: String,
    #[field(widget = "hidden")]
    pub token: String,
}

#[derive(Form, Debug)]
pub struct OnlyHidden {
    #[field(widget = "hidden")]
    pub token: String,
}

fn bind<F: Form>(pairs: &[(&str, &str)]) -> BoundForm<F> {
    BoundForm::bound(FormData::from_pairs(pairs.iter().copied()))
}

fn django(key: &str) -> String {
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("django_rendering.json")).unwrap();
    cases[key].as_str().unwrap().to_owned()
}

fn assert_renders<F: Form>(form: &BoundForm<F>, prefix: &str) {
    let renderings = [
        ("as_div", form.as_div()),
        ("as_p", form.as_p()),
        ("as_table", form.as_table()),
        ("as_ul", form.as_ul()),
    ];
    for (method, html) in renderings {
        let key = format!("{prefix}_{method}");
        assert_eq!(html, django(&key), "{key}");
    }
}

const BAD_POST: &[(&str, &str)] = &[
    ("name", "A&B \"q\" <x>"),
    ("message", ""),
    ("email", "bad"),
    ("age", "x"),
    ("subscribe", "on"),
    ("fruit", "c"),
    ("birthday", "2024-02-30"),
    ("next", "/n?a=1&b=2"),
    ("password", "short"),
];

const GOOD_POST: &[(&str, &str)] = &[
    ("name", "Ada"),
    ("message", "Hi\n<there>"),
    ("email", "ada@example.com"),
    ("age", "36"),
    ("fruit", "b"),
    ("birthday", "1815-12-10"),
    ("password", "longenough"),
];

#[test]
fn unbound_forms_render_like_django() {
    let form = ContactForm::unbound();
    assert!(!form.is_bound() && !form.is_valid());
    assert!(form.errors().is_empty());
    assert_renders(&form, "unbound");
}

#[test]
fn bound_forms_render_errors_values_and_escaping_like_django() {
    let form: BoundForm<ContactForm> = bind(BAD_POST);
    assert!(!form.is_valid());
    assert_renders(&form, "bound");
    let html = form.as_div();
    assert!(!html.contains("short"), "a password is never echoed");
    assert!(html.contains("value=\"A&amp;B &quot;q&quot; &lt;x&gt;\""));
}

#[test]
fn valid_forms_render_like_django_and_clean_to_the_struct() {
    let form: BoundForm<ContactForm> = bind(GOOD_POST);
    assert!(form.is_valid());
    assert_eq!(form.as_div(), django("good_as_div"));
    assert!(!form.as_div().contains("longenough"));
    let cleaned = form.cleaned_data().unwrap();
    assert_eq!(
        cleaned,
        &ContactForm {
            name: "Ada".into(),
            message: "Hi\n<there>".into(),
            email: "ada@example.com".into(),
            age: Some(36),
            subscribe: false,
            fruit: "b".into(),
            birthday: NaiveDate::from_ymd_opt(1815, 12, 10),
            next: String::new(),
            password: "longenough".into(),
        }
    );
    assert_eq!(form.into_cleaned().unwrap().age, Some(36));
}

#[test]
fn hidden_field_errors_go_to_the_top_like_django() {
    let mut form: BoundForm<HiddenForm> = bind(&[("title", "toolong")]);
    assert!(!form.is_valid());
    // Django's fixture adds this from clean(); add_error after validation gives the same.
    form.add_error(None, "Something's wrong & <bad>.");
    assert_renders(&form, "hidden");
    let only: BoundForm<OnlyHidden> = bind(&[]);
    assert_renders(&only, "onlyhidden");
    assert_eq!(
        OnlyHidden::unbound().as_div(),
        django("onlyhidden_unbound_div")
    );
}

#[test]
fn initial_values_render_like_django() {
    let form = ContactForm::with_initial(ContactForm {
        name: "Init <me>".into(),
        message: "m&m".into(),
        age: Some(5),
        subscribe: true,
        fruit: "b".into(),
        password: "secret".into(),
        ..ContactForm::default()
    });
    assert!(!form.is_bound() && !form.is_valid());
    assert_eq!(form.as_div(), django("initial_as_div"));
}

#[test]
fn field_hooks_and_the_form_hook_report_errors() {
    let mut post = GOOD_POST.to_vec();
    post.retain(|(k, _)| *k != "password");
    post.push(("password", "MyPassword1"));
    let form: BoundForm<ContactForm> = bind(&post);
    assert!(!form.is_valid());
    assert_eq!(
        form.errors().get("password"),
        ["That password is too obvious."]
    );

    let form: BoundForm<ContactForm> = bind(&[
        ("name", "samesame1"),
        ("message", "m"),
        ("email", "a@b.co"),
        ("age", "12"),
        ("subscribe", "on"),
        ("fruit", "a"),
        ("password", "samesame1"),
    ]);
    assert!(!form.is_valid());
    assert_eq!(
        form.non_field_errors(),
        ["Your password cannot be your name."]
    );
    assert_eq!(
        form.errors().get("subscribe"),
        ["You must be 16 to subscribe."]
    );
    assert!(form.cleaned_data().is_none());
    assert!(form.as_div().contains(
        "<ul class=\"errorlist nonfield\"><li>Your password cannot be your name.</li></ul>"
    ));
}

/// What the hook saw, in the order things happened.
#[derive(Form, Debug)]
#[form(clean = Self::record)]
pub struct OrderForm {
    #[field(clean = note_code)]
    pub code: String,
    pub count: i64,
    #[field(required = false)]
    pub note: String,
}

static ORDER_LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn log(entry: String) {
    if let Ok(mut log) = ORDER_LOG.lock() {
        log.push(entry);
    }
}

fn note_code(value: String) -> Result<String, ValidationError> {
    log(format!("field hook: {value}"));
    Ok(value)
}

impl OrderForm {
    fn record(data: &Partial<Self>, errors: &mut FormErrors) {
        log(format!(
            "form hook: {:?} {:?} {:?}, field errors: {:?}",
            data.code,
            data.count,
            data.note,
            errors.fields().map(|(name, _)| name).collect::<Vec<_>>()
        ));
        if data.note.as_deref() == Some("reject") {
            errors.add(Some("note"), "Not that note.");
        }
    }
}

#[test]
fn the_form_hook_runs_after_the_fields_with_what_cleaned() {
    let take = || {
        ORDER_LOG
            .lock()
            .map(|mut log| std::mem::take(&mut *log))
            .unwrap()
    };
    // The one test using OrderForm: the log is this test's alone.
    take();
    let form: BoundForm<OrderForm> = bind(&[("code", "A1"), ("count", "many")]);
    assert!(!form.is_valid());
    assert!(!form.is_valid(), "validation runs once");
    assert_eq!(
        take(),
        [
            "field hook: A1",
            r#"form hook: Some("A1") None Some(""), field errors: ["count"]"#,
        ],
        "Django's order: each field, then the hook, which sees the failed field as None"
    );
    assert_eq!(form.errors().get("count"), ["Enter a whole number."]);

    // An error the hook adds to a field that cleaned invalidates it.
    let form: BoundForm<OrderForm> = bind(&[("code", "A1"), ("count", "2"), ("note", "reject")]);
    assert!(!form.is_valid());
    assert!(form.cleaned_data().is_none());
    assert_eq!(form.errors().get("note"), ["Not that note."]);
    assert_eq!(form.clean_value("note"), None);
    assert_eq!(form.clean_value("code").as_deref(), Some("A1"));
    assert_eq!(take().len(), 2);

    let form: BoundForm<OrderForm> = bind(&[("code", "A1"), ("count", "2"), ("note", "ok")]);
    let order = form.into_cleaned().unwrap();
    assert_eq!(
        (order.code.as_str(), order.count, order.note.as_str()),
        ("A1", 2, "ok")
    );

    // What the hook is given can be built by hand, to test a hook alone.
    let mut errors = FormErrors::for_fields(&["code", "count", "note"]);
    let data = Partial::<OrderForm> {
        note: Some("reject".into()),
        ..Default::default()
    };
    OrderForm::record(&data, &mut errors);
    assert_eq!(errors.get("note"), ["Not that note."]);
    take();
}

#[test]
fn add_error_after_validation_invalidates() {
    let mut form: BoundForm<ContactForm> = bind(GOOD_POST);
    assert!(form.is_valid());
    form.add_error(Some("name"), "A user with that name already exists.");
    assert!(!form.is_valid());
    assert!(form.cleaned_data().is_none());
    assert_eq!(
        form.errors().get("name"),
        ["A user with that name already exists."]
    );
    form.add_error(Some("no_such_field"), "Shown anyway.");
    assert_eq!(form.non_field_errors(), ["Shown anyway."]);
    assert!(form.into_cleaned().is_none());
}

#[test]
fn repeated_missing_and_undecodable_data_are_form_errors() {
    let form: BoundForm<ContactForm> = BoundForm::bound(FormData::parse(
        b"name=first&name=last&message=m&email=a%40b.co&fruit=a&password=%FF%FE%FD%FC%FB%FA%F9%F8",
    ));
    assert!(!form.is_valid());
    assert_eq!(form.errors().get("password"), ["Enter a valid value."]);
    let html = form.as_div();
    assert!(html.contains("value=\"last\""), "the last value wins");

    let empty: BoundForm<ContactForm> = bind(&[]);
    for field in ["name", "message", "email", "fruit", "password"] {
        assert_eq!(
            empty.errors().get(field),
            ["This field is required."],
            "{field}"
        );
    }
    for field in ["age", "subscribe", "birthday", "next"] {
        assert!(!empty.errors().has_error(field), "{field}");
    }
}

#[test]
fn multipart_bodies_bind() {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("multipart/form-data; boundary=----b"),
    );
    let mut body = Vec::new();
    for (name, value) in GOOD_POST {
        body.extend_from_slice(
            format!(
                "------b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(b"------b--\r\n");
    let limits = crate::core::body::BodyLimits {
        max_memory_size: 1 << 20,
        max_number_fields: Some(1000),
        max_number_files: Some(100),
        read_timeout: std::time::Duration::from_secs(30),
    };
    let data = crate::core::body::parse_form(&headers, &body.into(), &limits).unwrap();
    let form: BoundForm<ContactForm> = BoundForm::bound(data);
    assert!(form.is_valid(), "{:?}", form.errors());
    assert_eq!(form.cleaned_data().unwrap().message, "Hi\n<there>");
}

/// An environment printing like pony's, with the one line that lets form markup through.
fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.set_formatter(|out, state, value| {
        if is_safe_html(value) {
            return out
                .write_str(&value.to_string())
                .map_err(minijinja::Error::from);
        }
        crate::templates::django_escape_formatter(out, state, value)
    });
    env
}

fn render(source: &str, form: &BoundForm<ContactForm>) -> String {
    let env = environment();
    let ctx = crate::context! { form, text => "<i>" };
    env.render_str(source, ctx).unwrap()
}

#[test]
fn templates_use_forms_like_django_templates() {
    let form: BoundForm<ContactForm> = bind(BAD_POST);
    assert_eq!(render("{{ form }}", &form), form.as_div());
    assert_eq!(render("{{ form.as_p() }}", &form), form.as_p());
    assert_eq!(
        render("{{ form.as_table() }}|{{ form.as_ul() }}", &form),
        format!("{}|{}", form.as_table(), form.as_ul())
    );
    assert_eq!(
        render("{{ form.email }}", &form),
        "<input type=\"email\" name=\"email\" value=\"bad\" maxlength=\"320\" required aria-invalid=\"true\" aria-describedby=\"id_email_error\" id=\"id_email\">"
    );
    assert_eq!(
        render("{{ form.email.errors }}", &form),
        "<ul class=\"errorlist\" id=\"id_email_error\"><li>Enter a valid email address.</li></ul>"
    );
    assert_eq!(
        render(
            "{{ form.name.label_tag() }}|{{ form.name.id_for_label }}|{{ form.name.help_text }}|{{ form.name.label }}",
            &form
        ),
        "<label for=\"id_name\">Your name:</label>|id_name|As on your passport.|Your name"
    );
    assert_eq!(
        render(
            "{% for e in form.email.errors %}[{{ e }}]{% endfor %}{% if form.name.errors %}x{% endif %}{{ form.email.errors|length }}",
            &form
        ),
        "[Enter a valid email address.]1"
    );
    assert_eq!(
        render(
            "{% for field in form %}{{ field.name }},{% endfor %}",
            &form
        ),
        "name,message,email,age,subscribe,fruit,birthday,next,password,"
    );
    assert_eq!(
        render(
            "{% for field in form.visible_fields() %}{% if field.errors %}{{ field.name }} {% endif %}{% endfor %}",
            &form
        ),
        "message email age fruit birthday password "
    );
    assert_eq!(
        render("{{ form.non_field_errors() }}{{ text }}", &form),
        "&lt;i&gt;"
    );
    assert_eq!(
        render(
            "{% if form.errors %}{{ form.errors.age }}{% endif %}",
            &form
        ),
        "<ul class=\"errorlist\" id=\"id_age_error\"><li>Enter a whole number.</li></ul>"
    );
    // Escaped values stay escaped once: the markup is not escaped a second time.
    assert!(render("{{ form.name }}", &form).contains("value=\"A&amp;B &quot;q&quot; &lt;x&gt;\""));
    assert!(!render("{{ form }}", &form).contains("&amp;lt;"));

    let mut form: BoundForm<ContactForm> = bind(GOOD_POST);
    form.add_error(None, "<script>alert(1)</script>");
    assert_eq!(
        render("{{ form.non_field_errors() }}", &form),
        "<ul class=\"errorlist nonfield\"><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul>"
    );
    assert_eq!(
        render("{{ form.errors }}", &form),
        "<ul class=\"errorlist\"><li>__all__<ul class=\"errorlist nonfield\"><li>&lt;script&gt;alert(1)&lt;/script&gt;</li></ul></li></ul>"
    );
}

#[test]
fn the_error_dict_renders_like_django() {
    let mut form: BoundForm<HiddenForm> = bind(&[("title", "toolong")]);
    form.add_error(None, "Something's wrong & <bad>.");
    let env = environment();
    let html = env
        .render_str(
            "{{ form.errors }}|{{ form.non_field_errors() }}",
            crate::context! { form },
        )
        .unwrap();
    assert_eq!(
        html,
        format!("{}|{}", django("hidden_errors"), django("hidden_non_field"))
    );
}

#[test]
fn other_values_are_not_form_markup() {
    assert!(!is_safe_html(&Value::from("<b>")));
    assert!(!is_safe_html(&Value::from(vec![1, 2])));
    let form = ContactForm::unbound();
    assert!(is_safe_html(&Value::from(&form)));
}
