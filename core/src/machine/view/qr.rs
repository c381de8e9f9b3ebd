//! The verification URL as a QR code, for signing in from a phone.

use base64::Engine;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG image as a `data:` URI (allowed by the CSP's `img-src data:`); empty when the
/// text is too long for a QR code.
pub fn qr_data_uri(text: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(image)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_a_url_as_svg() {
        let uri = super::qr_data_uri("https://learn.example/oauth/device?user_code=ABCD1234");
        assert!(uri.starts_with("data:image/svg+xml;base64,"));
        assert_eq!(super::qr_data_uri(&"x".repeat(10_000)), "");
    }
}
