"""The record: sites, periods, actors, occupations, damage reports, threats, events and the sources citing them."""
