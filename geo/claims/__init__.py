"""Claims from an article's text: for each settlement mention, the cue that governs it, the side that acts,
who says so, and the day it is about. Rules only; every claim records its cue and rule."""
