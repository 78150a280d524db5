-- Our list page's work, asked of Datasette through its SQL endpoint (bench/run.py, "datasette-joined"): the same
-- 100 reports in the same order, each with the columns of its site, structure, cause, occupation and perpetrator
-- summaries (the same eight-table join as the API's page query), its cited passages with their sources and
-- attributions (one JSON array per report, parsed by Datasette with `_json=citations`), and the count of every
-- matching report. Drafts are left out, as the API leaves them out for the public. Informational: the target
-- compares against Datasette's plain table page.
select
  r.id, r.slug, r.severity, r.extent, r.is_permanent, r.occurred, r.occurred_earliest, r.occurred_latest,
  r.certainty, r.status, r.status_changed_at, r.description, r.created, r.last_updated,
  r.site_id, site.slug as site_slug, site.name as site_name,
  r.structure_id, structure.slug as structure_slug, structure.name as structure_name,
  r.cause_id, cause.slug as cause_slug, cause.label as cause_label, cause.category as cause_category,
  r.occupation_id, occupation.slug as occupation_slug, occupation.started as occupation_started,
  occupation.ended as occupation_ended, occupied.name as occupation_site_name,
  occupier.name as occupation_occupier_name,
  r.perpetrator_id, perpetrator.slug as perpetrator_slug, perpetrator.name as perpetrator_name,
  (
    select json_group_array(json_object(
      'id', cited.id, 'quote', cited.quote, 'attribution', cited.attribution,
      'attributed_to_id', cited.attributed_to_id, 'attributed_to_slug', cited.attributed_to_slug,
      'attributed_to_name', cited.attributed_to_name,
      'source_id', cited.source_id, 'source_slug', cited.source_slug, 'source_title', cited.source_title
    ))
    from (
      select citation.id, citation.quote, citation.attribution, citation.attributed_to_id,
        speaker.slug as attributed_to_slug, speaker.name as attributed_to_name,
        citation.source_id, source.slug as source_slug, source.title as source_title
      from records_damagereport_citations link
      join records_citation citation on citation.id = link.citation_id
      left join records_actor speaker on speaker.id = citation.attributed_to_id
      join records_source source on source.id = citation.source_id
      where link.damagereport_id = r.id
      order by citation.source_id, citation.char_start, citation.char_end
    ) cited
  ) as citations,
  (
    select count(*) from records_damagereport
    where severity = :severity and status in ('reported', 'verified', 'disputed', 'retracted')
  ) as count
from records_damagereport r
join records_site site on site.id = r.site_id
left join records_structure structure on structure.id = r.structure_id
join records_disturbancecause cause on cause.id = r.cause_id
left join records_occupation occupation on occupation.id = r.occupation_id
left join records_actor occupier on occupier.id = occupation.occupier_id
left join records_site occupied on occupied.id = occupation.site_id
left join records_actor perpetrator on perpetrator.id = r.perpetrator_id
where r.severity = :severity and r.status in ('reported', 'verified', 'disputed', 'retracted')
order by site.name, r.occurred_earliest nulls last, r.slug, r.id
limit 100
