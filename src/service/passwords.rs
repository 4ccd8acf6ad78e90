//! Password hashing: Argon2id at OWASP's baseline (19 MiB, 2 passes, 1 lane).

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP baseline parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string with a fresh random salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with valid parameters cannot fail")
        .to_string()
}

/// Hashes with a salt derived from a seed: used only by the deterministic demo builder.
pub fn hash_with_seed(password: &str, seed: u64) -> String {
    let salt =
        SaltString::encode_b64(&seed.to_le_bytes().repeat(2)).expect("16 bytes make a valid salt");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with valid parameters cannot fail")
        .to_string()
}

/// True when the password matches the PHC string (parameters are read from the string).
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real check, so an unknown staff id cannot be told from a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_with_seed("not-a-password", 7));
    let _ = verify(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_at_the_owasp_baseline_and_verify() {
        let h = hash("demo");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("demo", &h));
        assert!(!verify("Demo", &h));
        assert!(!verify("demo", "not a hash"));
        assert_ne!(hash("demo"), h, "salts differ");
        assert!(verify("123456", &hash_with_seed("123456", 1)));
    }
}
