"""SCIAN (NAICS) sectors: the first two digits of a firm's code, grouped as Statistics Canada does."""

from __future__ import annotations

# SCIAN (NAICS) sectors: the first two digits, grouped as Statistics Canada does.
SCIAN_SECTORS = {
    "11": ("Agriculture, foresterie, pêche et chasse", "Agriculture, forestry, fishing and hunting"),
    "21": ("Extraction minière, exploitation en carrière, et extraction de pétrole et de gaz",
           "Mining, quarrying, and oil and gas extraction"),
    "22": ("Services publics", "Utilities"),
    "23": ("Construction", "Construction"),
    "31-33": ("Fabrication", "Manufacturing"),
    "41": ("Commerce de gros", "Wholesale trade"),
    "44-45": ("Commerce de détail", "Retail trade"),
    "48-49": ("Transport et entreposage", "Transportation and warehousing"),
    "51": ("Industrie de l'information et industrie culturelle", "Information and cultural industries"),
    "52": ("Finance et assurances", "Finance and insurance"),
    "53": ("Services immobiliers et services de location et de location à bail",
           "Real estate and rental and leasing"),
    "54": ("Services professionnels, scientifiques et techniques", "Professional, scientific and technical services"),
    "55": ("Gestion de sociétés et d'entreprises", "Management of companies and enterprises"),
    "56": ("Services administratifs, services de soutien, services de gestion des déchets et d'assainissement",
           "Administrative and support, waste management and remediation services"),
    "61": ("Services d'enseignement", "Educational services"),
    "62": ("Soins de santé et assistance sociale", "Health care and social assistance"),
    "71": ("Arts, spectacles et loisirs", "Arts, entertainment and recreation"),
    "72": ("Services d'hébergement et de restauration", "Accommodation and food services"),
    "81": ("Autres services (sauf les administrations publiques)", "Other services (except public administration)"),
    "91": ("Administrations publiques", "Public administration"),
}
_SECTOR_OF = {"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45", "45": "44-45", "48": "48-49", "49": "48-49"}
UNKNOWN_SECTOR = "inconnu"


def sector_of(scian: str | None) -> str:
    """The SCIAN sector (`31-33`, `72`…) of a code, or `inconnu`."""
    if not scian:
        return UNKNOWN_SECTOR
    digits = "".join(ch for ch in str(scian) if ch.isdigit())[:2]
    key = _SECTOR_OF.get(digits, digits)
    return key if key in SCIAN_SECTORS else UNKNOWN_SECTOR
