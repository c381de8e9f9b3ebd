//! Servers that misbehave on purpose: metadata for another issuer or with endpoints on
//! another site, metadata that lacks the device endpoint, verification pages elsewhere.
//! Nothing the settings did not name is ever contacted.

use crate::common::*;
use demo_platform::{DemoOptions, Hostile, Trap};
use passerelle_core::flow::{FlowError, MetadataError, Verification};
use passerelle_core::settings::Key;

fn discovering(hostile: Hostile) -> DemoOptions {
    DemoOptions {
        discovery: true,
        hostile,
        ..fast_options()
    }
}

#[tokio::test]
async fn metadata_for_another_issuer_is_not_used() {
    let trap = Trap::start().await;
    let platform = platform(discovering(Hostile {
        issuer: Some("https://impostor.example".into()),
        endpoints_at: Some(trap.url.clone()),
        ..Hostile::default()
    }))
    .await;
    let e = client(&platform).start_sign_in().await.unwrap_err();
    assert!(
        matches!(e, FlowError::Metadata(MetadataError::IssuerMismatch { .. })),
        "{e:?}"
    );
    assert_eq!(
        trap.hits(),
        0,
        "nothing was sent to the metadata's endpoints"
    );
}

#[tokio::test]
async fn endpoints_on_another_site_are_refused_before_any_request() {
    let trap = Trap::start().await;
    let platform = platform(discovering(Hostile {
        endpoints_at: Some(trap.url.clone()),
        ..Hostile::default()
    }))
    .await;
    let client = client(&platform);
    // The trap listens on the platform's own host, 127.0.0.1: another port is another site.
    let e = client.start_sign_in().await.unwrap_err();
    assert!(
        matches!(
            e,
            FlowError::Metadata(MetadataError::ForeignEndpoint(
                Key::DeviceAuthorizationEndpoint
            ))
        ),
        "{e:?}"
    );
    // Nor does a refresh or a revocation go there.
    let refresh = passerelle_core::flow::RefreshToken::new("r");
    assert!(client.refresh(&refresh).await.is_err());
    assert!(client.revoke(&refresh).await.is_err());
    assert_eq!(trap.hits(), 0, "no client request reached the other site");

    // Allowed explicitly, the other site is used.
    let allowed = client_with(
        raw_settings(&platform).with(Key::AllowedHosts, trap.url.trim_start_matches("http://")),
    );
    let e = allowed.start_sign_in().await.unwrap_err();
    assert!(matches!(e, FlowError::Unreachable(_)), "{e:?}");
    assert_eq!(trap.hits(), 1, "the allowed host was asked for a code");
}

#[tokio::test]
async fn metadata_without_a_device_endpoint_names_the_setting() {
    let platform = platform(discovering(Hostile {
        no_device_endpoint: true,
        ..Hostile::default()
    }))
    .await;
    let e = client(&platform).start_sign_in().await.unwrap_err();
    assert!(
        matches!(
            e,
            FlowError::Metadata(MetadataError::MissingEndpoint(
                Key::DeviceAuthorizationEndpoint
            ))
        ),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("device_authorization_endpoint"),
        "{e}"
    );
    assert!(!e.to_string().contains("404"), "{e}");

    // The setting supplies it.
    let set = client_with(raw_settings(&platform).with(
        Key::DeviceAuthorizationEndpoint,
        format!("{}/o2/device_authorization", platform.auth_url()),
    ));
    set.start_sign_in().await.unwrap();
}

#[tokio::test]
async fn verification_pages_elsewhere_are_not_trusted() {
    let own = |p: &demo_platform::DemoPlatform| format!("{}/oauth/device", p.auth_url());
    for hostile in [
        Hostile {
            verification_uri_complete: Some("https://phish.example/device".into()),
            ..Hostile::default()
        },
        Hostile {
            verification_uri: Some("https://phish.example/device".into()),
            ..Hostile::default()
        },
    ] {
        let platform = platform(DemoOptions {
            hostile: hostile.clone(),
            ..fast_options()
        })
        .await;
        let pending = client(&platform).start_sign_in().await.unwrap();
        let expected = hostile
            .verification_uri
            .clone()
            .unwrap_or_else(|| own(&platform));
        assert_eq!(
            pending.verification,
            Verification::Untrusted { uri: expected },
            "{hostile:?}"
        );
    }
    // The same host on another port is elsewhere too.
    let odd = platform(DemoOptions {
        hostile: Hostile {
            verification_uri_complete: Some("http://127.0.0.1:1/oauth/device".into()),
            ..Hostile::default()
        },
        ..fast_options()
    })
    .await;
    let pending = client(&odd).start_sign_in().await.unwrap();
    assert!(matches!(
        pending.verification,
        Verification::Untrusted { .. }
    ));
}

#[tokio::test]
async fn descriptions_and_secrets_stay_out_of_errors() {
    let canary = "CANARY7f3e";
    let platform = platform(fast_options().with_canary(canary)).await;
    let stranger = client_with(raw_settings(&platform).with(Key::ClientId, "unknown"));
    let e = stranger.start_sign_in().await.unwrap_err();
    assert!(matches!(e, FlowError::InvalidClient));
    assert!(!format!("{e} {e:?}").contains(canary));

    let client = client(&platform);
    let token = approved_token(&client, &platform).await;
    assert!(token.access_token.expose().starts_with(canary));
    let refresh = token.refresh_token.clone().unwrap();
    client.refresh(&refresh).await.unwrap();
    let e = client.refresh(&refresh).await.unwrap_err();
    assert!(matches!(e, FlowError::InvalidGrant));
    assert!(!format!("{e} {e:?} {token:?}").contains(canary));
}
