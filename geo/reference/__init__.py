"""Reference control layers: dated control polygons the user has (DeepState, an analyst's own), read from a folder,
looked up at each settlement's point and compared with the claims (`geo reference`, `geo assess`)."""
