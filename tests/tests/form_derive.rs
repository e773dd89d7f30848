//! `#[derive(pony::Form)]` used from outside pony, as a project uses it: a plain form, and a
//! ModelForm over a model declared here.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use pony::db::Model;
use pony::forms::{FormData, FormErrors, Partial, ValidationError, Widget};
use pony::http::QueryDict;
use pony::prelude::*;

#[derive(pony::Model, Debug, Clone, Default, PartialEq)]
#[model(app = "lab")]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200, verbose_name = "headline")]
    pub title: String,
    pub body: String,
    #[field(email, blank, help_text = "Where readers can write.")]
    pub contact: String,
    #[field(max_length = 1, choices = "d:Draft, p:Published", default = "d")]
    pub status: String,
    pub rating: Option<i32>,
    pub author_id: i64,
}

#[derive(pony::Form, Debug)]
#[form(model = Article)]
pub struct ArticleForm {
    pub title: String,
    #[field(label = "Text")] // a TextField: a <textarea> unless the form says otherwise
    pub body: String,
    pub contact: String,
    pub status: String,
    pub rating: Option<i32>,
}

#[derive(pony::Form, Debug, Default)]
#[form(clean = Self::passwords_match)]
pub struct SignupForm {
    #[field(max_length = 150, clean = no_admin)]
    pub username: String,
    #[field(widget = "password", label = "Password")]
    pub password1: String,
    #[field(
        widget = "password",
        label = "Password confirmation",
        help_text = "Enter the same password as before, for verification."
    )]
    pub password2: String,
    #[field(initial = true)]
    pub newsletter: bool,
    #[field(initial = 18)]
    pub age: Option<i32>,
}

impl SignupForm {
    fn passwords_match(data: &Partial<Self>, errors: &mut FormErrors) {
        if let (Some(a), Some(b)) = (&data.password1, &data.password2)
            && a != b
        {
            errors.add(Some("password2"), "The two password fields didn’t match.");
        }
    }
}

fn no_admin(username: String) -> Result<String, ValidationError> {
    if username.eq_ignore_ascii_case("admin") {
        return Err("This username is reserved.".into());
    }
    Ok(username)
}

fn post(body: &str) -> QueryDict {
    QueryDict::parse(body.as_bytes())
}

#[test]
fn a_form_cleans_and_reports_errors_in_djangos_words() {
    let form = SignupForm::bind_data(&post(&format!(
        "username={}&password1=a&password2=b",
        "x".repeat(151)
    )));
    assert!(!form.is_valid());
    assert_eq!(
        form.errors().get("username"),
        ["Ensure this value has at most 150 characters (it has 151)."]
    );
    assert_eq!(
        form.errors().get("password2"),
        ["The two password fields didn’t match."],
        "the form hook runs after the fields, failed or not, as Django's clean() does"
    );

    let form = SignupForm::bind_data(&post("username=ada&password1=&password2=b"));
    assert_eq!(form.errors().get("password1"), ["This field is required."]);
    assert!(
        !form.errors().has_error("password2"),
        "a password that did not clean is None to the hook"
    );

    let form = SignupForm::bind_data(&post("username=ada&password1=a&password2=b&age=3"));
    assert_eq!(
        form.errors().get("password2"),
        ["The two password fields didn’t match."]
    );
    assert!(
        !form.as_p().contains("value=\"a\""),
        "passwords are not echoed"
    );

    let form = SignupForm::bind_data(&post("username=Admin&password1=a&password2=a"));
    assert_eq!(
        form.errors().get("username"),
        ["This username is reserved."]
    );

    let form = SignupForm::bind_data(&post("username=ada&password1=s3cret&password2=s3cret"));
    let signup = form.into_cleaned().unwrap();
    // A hook can be tested alone, on a Partial built by hand.
    let partial = Partial::<SignupForm> {
        password1: Some("a".into()),
        password2: Some("b".into()),
        ..Default::default()
    };
    let mut errors = FormErrors::for_fields(&["password1", "password2"]);
    SignupForm::passwords_match(&partial, &mut errors);
    assert_eq!(
        errors.get("password2"),
        ["The two password fields didn’t match."]
    );
    assert_eq!(
        (signup.username.as_str(), signup.newsletter, signup.age),
        ("ada", false, None)
    );
}

#[test]
fn unbound_forms_show_initial_values() {
    let html = SignupForm::unbound().as_div();
    assert!(
        html.contains(r#"<input type="checkbox" name="newsletter" id="id_newsletter" checked>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<input type="number" name="age" value="18" id="id_age">"#),
        "{html}"
    );
    assert!(html.contains(r#"<label for="id_password2">Password confirmation:</label>"#));
    assert!(html.contains(r#"aria-describedby="id_password2_helptext" id="id_password2""#));
    let html = SignupForm::with_initial(SignupForm {
        username: "grace".into(),
        password1: "hidden".into(),
        ..SignupForm::default()
    })
    .as_div();
    assert!(html.contains(r#"value="grace""#) && !html.contains("hidden\""));
}

#[test]
fn a_modelform_takes_its_options_from_the_model() {
    let fields = <ArticleForm as Form>::fields();
    let field = |name: &str| fields.iter().find(|f| f.name == name).unwrap();
    assert_eq!(field("title").label, "Headline");
    assert_eq!(
        (field("title").max_length, field("title").required),
        (Some(200), true)
    );
    assert_eq!(
        (field("body").label.as_str(), field("body").widget),
        ("Text", Widget::Textarea)
    );
    assert_eq!(field("body").max_length, None);
    let contact = field("contact");
    assert!(contact.email && !contact.required);
    assert_eq!(
        (contact.widget, contact.max_length),
        (Widget::Email, Some(254))
    );
    assert_eq!(contact.help_text, "Where readers can write.");
    assert_eq!(field("status").widget, Widget::Select);
    assert_eq!(
        field("status").choices.len(),
        2,
        "a default means no empty choice"
    );
    assert!(!field("rating").required);
    let unbound = ArticleForm::unbound().as_div();
    assert!(
        unbound.contains("<option value=\"d\" selected>Draft</option>"),
        "the model's default is the initial value: {unbound}"
    );

    let form = ArticleForm::bind_data(&post(
        "title=&body=b&contact=nope&status=x&rating=2147483648",
    ));
    assert!(!form.is_valid());
    assert_eq!(form.errors().get("title"), ["This field is required."]);
    assert_eq!(
        form.errors().get("contact"),
        ["Enter a valid email address."]
    );
    assert_eq!(
        form.errors().get("status"),
        ["Select a valid choice. x is not one of the available choices."]
    );
    assert_eq!(
        form.errors().get("rating"),
        ["Ensure this value is less than or equal to 2147483647."]
    );
    let html = form.as_div();
    assert!(
        html.contains(r#"<label for="id_title">Headline:</label>"#),
        "{html}"
    );
    assert!(html.contains(r#"<input type="text" name="title" maxlength="200" required aria-invalid="true" aria-describedby="id_title_error" id="id_title">"#), "{html}");
}

#[test]
fn a_modelform_saves_onto_an_instance() {
    let existing = Article {
        id: 7,
        title: "Old <title>".into(),
        body: "Old body".into(),
        contact: "a@example.com".into(),
        status: "p".into(),
        rating: Some(3),
        author_id: 42,
    };
    let html = ArticleForm::from_instance(&existing).as_div();
    assert!(html.contains(r#"value="Old &lt;title&gt;""#), "{html}");
    assert!(
        html.contains("<option value=\"p\" selected>Published</option>"),
        "{html}"
    );
    assert!(html.contains(">\nOld body</textarea>"), "{html}");

    let form = ArticleForm::bind_data(&post("title=New&body=Text&status=d"));
    assert!(form.is_valid(), "{:?}", form.errors());
    let saved = form.save_without_commit(existing.clone()).unwrap();
    assert_eq!(
        saved,
        Article {
            id: 7,
            title: "New".into(),
            body: "Text".into(),
            contact: String::new(),
            status: "d".into(),
            rating: None,
            author_id: 42,
        }
    );
    let mut fresh = Article::default();
    form.apply_to(&mut fresh).unwrap();
    assert_eq!((fresh.id, fresh.title.as_str()), (0, "New"));

    let invalid = ArticleForm::bind_data(&post("title="));
    assert!(invalid.save_without_commit(existing).is_err());
    assert_eq!(Article::meta().name, "Article");
}

#[test]
fn forms_go_into_template_contexts() {
    let form = SignupForm::bind_data(&post("username=&password1=x"));
    let context = pony::context! { form };
    let value = context.get_attr("form").unwrap();
    assert!(pony::forms::is_safe_html(&value));
    assert_eq!(value.to_string(), form.as_div());
    let username = value.get_attr("username").unwrap();
    assert!(
        username
            .to_string()
            .starts_with("<input type=\"text\" name=\"username\"")
    );
    assert_eq!(
        username.get_attr("errors").unwrap().to_string(),
        r#"<ul class="errorlist" id="id_username_error"><li>This field is required.</li></ul>"#
    );
}

#[test]
fn values_that_are_not_text_are_form_errors() {
    let data = FormData::parse(b"username=%FF&password1=a&password2=a");
    let form = pony::forms::BoundForm::<SignupForm>::bound(data);
    assert_eq!(form.errors().get("username"), ["Enter a valid value."]);
}
