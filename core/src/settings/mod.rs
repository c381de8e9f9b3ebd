//! Which platform Passerelle signs in to, and how to reach it.
//!
//! A setting ([`Key`]) may be given in several layers ([`Sources`]): built into the app
//! by its distributor, in a machine-wide file a school installs (which may lock some),
//! in the learner's own file, in the environment or as a flag. [`Sources::merge`] picks
//! one value per setting, and [`Settings::check`] checks them all with the same rules,
//! wherever they came from; [`check_url`] is the one rule for addresses.

mod address;
pub mod apt;
mod checked;
mod error;
mod key;
mod layers;
pub mod policy;
mod raw;
mod report;
mod school;
pub mod trust;
mod updates;
mod value;

pub use address::{
    check_url, is_loopback, join_path, label_of, origin_of, same_platform, scheme_allowed,
};
pub use checked::{
    AllowedHost, Settings, TokenStoreKind, DEFAULT_DEVICE_AUTHORIZATION_PATH, DEFAULT_PROFILE_PATH,
    DEFAULT_REVOCATION_PATH, DEFAULT_TOKEN_PATH,
};
pub use error::{ConfigError, Invalid};
pub use key::{Key, Kind};
pub use layers::{Layer, Merged, Sources};
pub use policy::{Policies, PolicySet};
pub use raw::{read_file, write_file, RawSettings};
pub use report::report;
pub use school::{Locks, SchoolFile};
pub use trust::Trust;
pub use updates::{UpdateKey, Updates, LOOPBACK_UPDATES};
pub use value::Written;
