"""The versioned tables of every domain, in the order releases freeze, count and diff them."""

from codes.versioned import CODES
from terms.versioned import CONCEPTS

TABLES = [CONCEPTS, CODES]
