//! The policy templates schools import, generated from the one table of settings (`Key`,
//! its kind, and [`super::texts`]): the ADMX and its ADML in English and French for Group
//! Policy and Intune, and a sample configuration profile for macOS. They live in
//! `policies/`; a test keeps them the settings' own, and writes them anew with
//! `PASSERELLE_WRITE_TEMPLATES=1`.

use super::registry::{KEY, RECOMMENDED};
use super::texts::{example, explain, title};
use crate::language::Language;
use crate::settings::{Key, Kind, Written};
use crate::APP_ID;

const NAMESPACE: &str = "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions";
/// The two sets of policies: mandatory (locked), and recommended defaults.
const SETS: [(&str, &str, &str); 2] = [
    ("", KEY, "Passerelle"),
    ("_recommended", RECOMMENDED, "Passerelle_Recommended"),
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `passerelle.admx`: every setting as a mandatory policy and a recommended one, for the
/// computer and for users (`class="Both"`).
pub fn admx() -> String {
    let mut policies = String::new();
    for (suffix, key_path, category) in SETS {
        for key in Key::all() {
            let name = format!("{}{suffix}", key.name());
            let value = key.name();
            let head = format!(
                "    <policy name=\"{name}\" class=\"Both\" displayName=\"$(string.{value})\" explainText=\"$(string.{value}_explain)\" key=\"{key_path}\""
            );
            let common = format!(
                "      <parentCategory ref=\"{category}\" />\n      <supportedOn ref=\"SUPPORTED_WIN10\" />\n"
            );
            let body = match key.kind() {
                Kind::Flag => format!(
                    "{head} valueName=\"{value}\">\n{common}      <enabledValue><decimal value=\"1\" /></enabledValue>\n      <disabledValue><decimal value=\"0\" /></disabledValue>\n"
                ),
                Kind::Hosts => format!(
                    "{head} presentation=\"$(presentation.{value})\">\n{common}      <elements>\n        <multiText id=\"{value}\" valueName=\"{value}\" />\n      </elements>\n"
                ),
                Kind::Choice(words) => {
                    let items: String = words
                        .iter()
                        .map(|w| format!("          <item displayName=\"$(string.{value}_{w})\"><value><string>{w}</string></value></item>\n"))
                        .collect();
                    format!(
                        "{head} presentation=\"$(presentation.{value})\">\n{common}      <elements>\n        <enum id=\"{value}\" valueName=\"{value}\" required=\"true\">\n{items}        </enum>\n      </elements>\n"
                    )
                }
                Kind::Address | Kind::Text | Kind::Duration => format!(
                    "{head} presentation=\"$(presentation.{value})\">\n{common}      <elements>\n        <text id=\"{value}\" valueName=\"{value}\" required=\"true\" />\n      </elements>\n"
                ),
            };
            policies.push_str(&body);
            policies.push_str("    </policy>\n");
        }
    }
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<!-- Passerelle's policies, generated from its settings by core/src/settings/policy/templates.rs. -->
<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="{NAMESPACE}">
  <policyNamespaces>
    <target prefix="passerelle" namespace="Passerelle.Policies.Passerelle" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_WIN10" displayName="$(string.SUPPORTED_WIN10)" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="Passerelle" displayName="$(string.Passerelle)" />
    <category name="Passerelle_Recommended" displayName="$(string.Passerelle_Recommended)" />
  </categories>
  <policies>
{policies}  </policies>
</policyDefinitions>
"#
    )
}

/// `passerelle.adml` in `language`: every string and presentation the ADMX names.
pub fn adml(language: Language) -> String {
    let french = language == Language::French;
    let words = |en: &str, fr: &str| if french { fr.to_owned() } else { en.to_owned() };
    let mut strings = vec![
        ("Passerelle".to_owned(), "Passerelle".to_owned()),
        (
            "Passerelle_Recommended".to_owned(),
            words(
                "Passerelle — defaults (learners may change them)",
                "Passerelle — réglages par défaut (modifiables par les élèves)",
            ),
        ),
        (
            "SUPPORTED_WIN10".to_owned(),
            words("At least Windows 10", "Windows 10 ou ultérieur"),
        ),
    ];
    let mut presentations = String::new();
    for key in Key::all() {
        let name = key.name();
        strings.push((name.to_owned(), title(key, language).to_owned()));
        strings.push((format!("{name}_explain"), explain(key, language).to_owned()));
        let label = escape(title(key, language));
        let control = match key.kind() {
            Kind::Flag => continue,
            Kind::Hosts => format!("<multiTextBox refId=\"{name}\">{label}</multiTextBox>"),
            Kind::Choice(choices) => {
                for w in choices {
                    strings.push((format!("{name}_{w}"), (*w).to_owned()));
                }
                format!("<dropdownList refId=\"{name}\" noSort=\"true\">{label}</dropdownList>")
            }
            _ => format!("<textBox refId=\"{name}\"><label>{label}</label></textBox>"),
        };
        presentations.push_str(&format!(
            "      <presentation id=\"{name}\">{control}</presentation>\n"
        ));
    }
    let table: String = strings
        .iter()
        .map(|(id, text)| format!("      <string id=\"{id}\">{}</string>\n", escape(text)))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<!-- Generated from Passerelle's settings by core/src/settings/policy/templates.rs. -->
<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" schemaVersion="1.0" xmlns="{NAMESPACE}">
  <displayName>Passerelle</displayName>
  <description>{}</description>
  <resources>
    <stringTable>
{table}    </stringTable>
    <presentationTable>
{presentations}    </presentationTable>
  </resources>
</policyDefinitionResources>
"#,
        words(
            "Passerelle's settings, set for the computer or for users",
            "Les réglages de Passerelle, pour l’ordinateur ou pour les utilisateurs"
        )
    )
}

/// A configuration profile that forces every setting to its sample value: what a school
/// edits (removing what it does not set) and deploys with Jamf, Intune or Apple School
/// Manager. Not where updates come from, nor their key: a sample deployed as it stands must
/// never make a copy trust a feed and a key that are nobody's.
pub fn mobileconfig() -> String {
    let mut settings = String::new();
    for key in Key::all().filter(|key| !key.is_the_distributors()) {
        let value = match example(key) {
            Written::Text(text) => format!("<string>{}</string>", escape(&text)),
            Written::Flag(flag) => format!("<{flag}/>"),
            Written::Number(n) => format!("<integer>{n}</integer>"),
            Written::List(items) => format!(
                "<array>{}</array>",
                items
                    .iter()
                    .map(|i| format!("<string>{}</string>", escape(i)))
                    .collect::<String>()
            ),
            Written::Other(_) => unreachable!("no sample is of another kind"),
        };
        settings.push_str(&format!(
            "                  <!-- {} -->\n                  <key>{}</key>\n                  {value}\n",
            escape(title(key, Language::English)),
            key.name()
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Passerelle's settings as a configuration profile, generated from its settings by
     core/src/settings/policy/templates.rs: keep the settings your school sets, remove the
     others, and deploy it. Every value here is forced (locked). -->
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadType</key>
      <string>com.apple.ManagedClient.preferences</string>
      <key>PayloadIdentifier</key>
      <string>{APP_ID}.policies.settings</string>
      <key>PayloadUUID</key>
      <string>6A0C7B5E-2F1D-4C3B-9E8A-5D4C3B2A1F0E</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
      <key>PayloadContent</key>
      <dict>
        <key>{APP_ID}</key>
        <dict>
          <key>Forced</key>
          <array>
            <dict>
              <key>mcx_preference_settings</key>
              <dict>
{settings}              </dict>
            </dict>
          </array>
        </dict>
      </dict>
    </dict>
  </array>
  <key>PayloadDisplayName</key>
  <string>Passerelle</string>
  <key>PayloadIdentifier</key>
  <string>{APP_ID}.policies</string>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
"#
    )
}
