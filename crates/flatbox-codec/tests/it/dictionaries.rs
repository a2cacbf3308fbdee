//! zstd dictionaries: training, round trips, lookup by id.

use flatbox_codec::{Codec, Compressor, Decoder, Decompressor, Dictionary, DictionarySet, Error, Limits};

fn messages(n: usize, seed: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let i = i + seed;
            format!(
                r#"{{"ip":"10.0.{}.{}","method":"{}","path":"/api/v1/items/{}","status":{},"bytes":{}}}"#,
                i % 7,
                i % 251,
                ["GET", "POST", "GET", "PUT"][i % 4],
                i * 13 % 1000,
                [200, 200, 304, 404][i % 4],
                i * 7919 % 20_000
            )
            .into_bytes()
        })
        .collect()
}

#[test]
fn dictionaries_round_trip_and_shrink_small_messages() {
    let dictionary = Dictionary::train(&messages(2000, 0), 8192).unwrap();
    assert!(dictionary.id() != 0);
    let mut with = Compressor::with_dictionary(3, &dictionary).unwrap();
    let mut without = Compressor::new(Codec::Zstd { level: 3 });
    let mut set = DictionarySet::new();
    set.insert(dictionary.clone());
    let mut decompressor = Decompressor::with_dictionaries(Limits::default(), set.clone());
    let (mut small, mut large) = (0, 0);
    for message in messages(200, 5000) {
        let frame = with.compress(&message);
        assert_eq!(zstd::zstd_safe::get_dict_id_from_frame(&frame).map(std::num::NonZero::get), Some(dictionary.id()));
        assert_eq!(decompressor.decompress(&frame).unwrap(), message);
        // The streaming decoder finds the dictionary too.
        let mut out = Vec::new();
        Decoder::with_dictionaries(&frame[..], Limits::default(), &set).read_all(&mut out).unwrap();
        assert_eq!(out, message);
        small += frame.len();
        large += without.compress(&message).len();
    }
    assert!(small * 2 < large, "with a dictionary {small} bytes, without {large}");
}

#[test]
fn a_frame_whose_dictionary_is_missing_names_the_id() {
    let dictionary = Dictionary::train(&messages(1000, 0), 4096).unwrap();
    let frame = Compressor::with_dictionary(3, &dictionary).unwrap().compress(&messages(1, 9)[0]);
    let err = flatbox_codec::decompress(&frame).unwrap_err();
    assert!(matches!(err, Error::UnknownDictionary { id } if id == dictionary.id()), "{err:?}");
    let other = Dictionary::train(&messages(1000, 77_777), 4096).unwrap();
    let mut set = DictionarySet::new();
    set.insert(other);
    let err = Decompressor::with_dictionaries(Limits::default(), set).decompress(&frame).unwrap_err();
    assert!(matches!(err, Error::UnknownDictionary { .. }), "{err:?}");
}

#[test]
fn dictionaries_survive_storage_and_bad_bytes_are_refused() {
    let dictionary = Dictionary::train(&messages(1000, 0), 4096).unwrap();
    let stored = dictionary.as_bytes().to_vec();
    assert_eq!(Dictionary::from_bytes(stored).unwrap(), dictionary);
    assert!(matches!(Dictionary::from_bytes(b"not a dictionary".to_vec()), Err(Error::Training(_))));
    assert!(matches!(Dictionary::train(&[b"x".to_vec()], 4096), Err(Error::Training(_))));
}
