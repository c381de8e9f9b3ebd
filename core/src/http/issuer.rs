//! Who issued a certificate, as support reads it (`CN=School inspection, O=Lycée Victor
//! Hugo`): the few attributes of its issuer's name, read from its DER, cleaned of anything
//! that is not plain text (a certificate is a server's word), and short.

/// The issuer of the certificate `der`: its common name, organisation and unit.
pub fn issuer_of(der: &[u8]) -> Option<String> {
    let (certificate, _) = element(der, 0x30)?;
    let (mut tbs, _) = element(certificate, 0x30)?;
    // The version, when there is one ([0]), the serial number, the signature's algorithm.
    if tbs.first() == Some(&0xa0) {
        tbs = element(tbs, 0xa0)?.1;
    }
    tbs = element(tbs, 0x02)?.1;
    tbs = element(tbs, 0x30)?.1;
    let (mut name, _) = element(tbs, 0x30)?;
    let mut parts = Vec::new();
    while !name.is_empty() {
        let (set, rest) = element(name, 0x31)?;
        name = rest;
        let (attribute, _) = element(set, 0x30)?;
        let (oid, value) = element(attribute, 0x06)?;
        let label = match oid {
            [0x55, 0x04, 0x03] => "CN",
            [0x55, 0x04, 0x0a] => "O",
            [0x55, 0x04, 0x0b] => "OU",
            _ => continue,
        };
        let (&tag, _) = value.split_first()?;
        let (text, _) = element(value, tag)?;
        let text: String = String::from_utf8_lossy(text)
            .chars()
            .filter(|c| !c.is_control() && !is_format(*c))
            .take(80)
            .collect();
        parts.push(format!("{label}={}", text.trim()));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Format characters (bidi overrides, zero-width ones), which could make a name read as
/// another.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The content of the element with `tag` at the start of `der`, and what follows it.
fn element(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, rest) = der.split_first()?;
    if found != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let bytes = (first & 0x7f) as usize;
        if bytes == 0 || bytes > 4 || rest.len() < bytes {
            return None;
        }
        let len = rest[..bytes]
            .iter()
            .fold(0usize, |n, b| (n << 8) | *b as usize);
        (len, &rest[bytes..])
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_s_name_and_nothing_a_server_could_hide_in_it() {
        let mut params = rcgen::CertificateParams::new(vec!["platform.example".into()]).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "School inspection\u{202e}moc.live",
        );
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Lycée Victor Hugo");
        let key = rcgen::KeyPair::generate().unwrap();
        // Self-signed: its issuer is its own name.
        let cert = params.self_signed(&key).unwrap();
        assert_eq!(
            issuer_of(cert.der()).as_deref(),
            Some("CN=School inspectionmoc.live, O=Lycée Victor Hugo")
        );
        assert_eq!(issuer_of(b"not a certificate"), None);
        assert_eq!(issuer_of(&cert.der()[..40]), None, "cut short");
    }
}
