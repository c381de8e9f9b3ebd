//! A school's own certificate authority, for the tests: it issues the platform's certificate
//! for a name only the school's proxy resolves, as on a network that inspects TLS with an
//! authority it installed in its computers' stores.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// An authority: its certificate, to trust, and what it issues.
pub struct Authority {
    /// Its certificate, DER, and PEM (for an `SSL_CERT_FILE`).
    pub der: Vec<u8>,
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// A certificate and its key, for a server.
#[derive(Clone)]
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: Arc<PrivateKeyDer<'static>>,
}

impl Authority {
    /// A new authority named `name` (`CN=name, O=Passerelle tests`).
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Passerelle tests");
        let key = KeyPair::generate().expect("a key");
        let cert = params.self_signed(&key).expect("a certificate");
        Self {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A certificate for `host`, issued by this authority.
    pub fn issue(&self, host: &str) -> Identity {
        let params = CertificateParams::new(vec![host.to_owned()]).expect("params");
        let key = KeyPair::generate().expect("a key");
        let cert = params.signed_by(&key, &self.issuer).expect("a certificate");
        Identity {
            chain: vec![cert.der().clone()],
            key: Arc::new(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
                key.serialize_der(),
            ))),
        }
    }
}

/// A TLS acceptor serving `identity`.
pub fn acceptor(identity: &Identity) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())
        .expect("a server certificate");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}
