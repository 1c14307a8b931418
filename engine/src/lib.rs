//! rusk
