"""Dutch stop words.

Function words ("de", "het", "met", "die") occur in almost every signal, so they add noise to
both BM25 and fuzzy comparison. The list is the usual Snowball/NLTK Dutch list, accent-free to
match :func:`matching.normalize.normalize`, plus chat filler that professionals type ("graag",
"even", "vraag") and generic words of the social domain that say nothing about the topic
("signaal", "steeds", "merk"). Negations ("niet", "geen", "zonder") are stop words for term
matching, where a bag of words cannot use them, but the analyzer keeps them inside lexicon
phrases such as "geen werk" (see ``matching.analyzer.NEGATIONS``).
"""

from __future__ import annotations

_WORDS = """
    aan af al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
    een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets
    ik in is ja je jij jou jouw kan kon kunnen kunt maar me meer men met mij mijn moet na naar niet
    niets nog nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel
    voor want waren was wat we wel werd wezen wie wij wil worden wordt zal ze zelf zich zij zijn
    zo zonder zou zeer zien ze zoals
    hen hare hunne jullie mijne onze wiens wier welke welk waar wanneer waarom waardoor waarin
    daarom daardoor daarin daarbij daarna daarvan hierbij hiervan erg heel best vaak soms steeds
    vaker minder meest meeste weinig echt even graag gewoon eigenlijk misschien wellicht zeker
    terwijl toe tussen binnen buiten boven beneden achter voor na langs via per sinds
    ben bent was waren geworden gaat gaan ging gingen komt komen kwam kwamen krijgt krijgen
    kreeg kregen doet deed deden laat laten lijkt lijken blijkt blijken zie ziet zagen merk
    merken merkt valt vallen staat staan stond blijft blijven hebt had hadden kunnen zullen zou
    zouden mogen mag moet moeten wil willen wilde
    signaal signalen vraag vragen opvallend opvallende zorgelijk zorgelijke collega collegas
    wij ons onze we zien zie ervaren ervaar ervaart mensen inwoners inwoner clienten client
"""

STOPWORDS: frozenset[str] = frozenset(_WORDS.split())
