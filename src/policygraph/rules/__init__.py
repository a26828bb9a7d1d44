"""Rules as data: the word lists in data/ and the SKOS vocabularies, each read by one checked
loader. Below every stage that reads text, so text/ and extract/ may both use them."""
