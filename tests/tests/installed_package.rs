//! The installed Linux package: its binary starts under Xvfb, opens the
//! Tether window and shows the sign-in form with the local default broker.
//!
//! `scripts/test-package.sh` (part of `make test`) builds the .deb, installs
//! it with apt, runs this test against the installed binary (path in
//! `TETHER_INSTALLED_APP`) and uninstalls it again.
#![allow(clippy::unwrap_used)] // a failed step should fail the test loudly

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::Locator;
use tether_tests::desktop::Desktop;

#[ignore = "needs the package installed: scripts/test-package.sh runs it"]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_installed_app_starts_and_shows_the_sign_in_form() {
    let app = PathBuf::from(
        std::env::var_os("TETHER_INSTALLED_APP")
            .expect("TETHER_INSTALLED_APP names the installed binary"),
    );
    assert!(
        app.starts_with("/usr"),
        "{} is not an installed path",
        app.display()
    );
    let home = tempfile::tempdir().unwrap();
    let desktop = Desktop::start(home.path()).unwrap();
    let c = desktop.open_app(&app).await.unwrap();

    let this_computer = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("input[id$='-server-local']"))
        .await
        .unwrap_or_else(|e| panic!("no sign-in form: {e}; log:\n{}", desktop.log()));
    assert_eq!(
        this_computer.prop("checked").await.unwrap().as_deref(),
        Some("true"),
        "a first start does not offer This computer"
    );
    c.find(Locator::Css("input[id$='-user']"))
        .await
        .unwrap_or_else(|e| panic!("no user id field: {e}"));
    assert_eq!(c.title().await.unwrap(), "Tether");
    c.find(Locator::Css("button[type='submit']")).await.unwrap();
    c.close().await.unwrap();
}
