// A module with no includes.
