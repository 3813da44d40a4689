"""schema.org JSON-LD for a listing's page, so search engines can describe it — only when
the client's consent lets search engines see the listing, and only what its scope shows."""
from app.directory.publishing import PublicListing
from app.records.hours import Hours, opening_hours_specification


def listing_jsonld(listing: PublicListing, page_url: str, photo_url: str = "") -> dict | None:
    """A schema.org Service offered by a LocalBusiness, or None without the search channel.

    Built from the PublicListing, which already leaves out what the consent does not
    show (name, phone, area, photo, location), so nothing hidden can get in here.
    """
    if "search" not in listing.channels:
        return None
    provider = {"@type": "LocalBusiness", "name": listing.display_name or listing.title}
    if listing.tel_url:
        provider["telephone"] = listing.tel_url.removeprefix("tel:")
    if listing.region_label:
        kecamatan, _, kabupaten = listing.region_label.partition(", ")
        provider["address"] = {"@type": "PostalAddress", "addressLocality": kecamatan,
                               "addressRegion": kabupaten, "addressCountry": "ID"}
    if listing.location:  # only with the consent's location scope (PublicListing)
        provider["geo"] = {"@type": "GeoCoordinates",
                           "latitude": float(listing.location.latitude),
                           "longitude": float(listing.location.longitude)}
    opening = opening_hours_specification(Hours.from_json(listing.hours) if listing.hours else None)
    if opening:
        provider["openingHoursSpecification"] = opening
    service = {"@context": "https://schema.org", "@type": "Service", "name": listing.title,
               "serviceType": listing.category_name, "url": page_url, "provider": provider}
    if listing.description:
        service["description"] = listing.description
    if listing.service_area or listing.region_label:
        service["areaServed"] = listing.service_area or listing.region_label
    if listing.price_hint:
        service["offers"] = {"@type": "Offer", "description": listing.price_hint}
    if photo_url:
        service["image"] = photo_url
    return service
