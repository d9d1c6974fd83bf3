BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0004');
CREATE TABLE condition (
	id INTEGER NOT NULL, 
	slug VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	plain_name TEXT NOT NULL, 
	description TEXT NOT NULL, 
	plain_description TEXT NOT NULL, 
	CONSTRAINT pk_condition PRIMARY KEY (id), 
	CONSTRAINT uq_condition_slug UNIQUE (slug)
);
INSERT INTO "condition" VALUES(1,'sciatica',0,'Sciatica','Leg pain','d','pd');
CREATE TABLE faq (
	id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	question TEXT NOT NULL, 
	answer TEXT NOT NULL, 
	plain_answer TEXT NOT NULL, 
	CONSTRAINT pk_faq PRIMARY KEY (id)
);
CREATE TABLE faq_source (
	owner_id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_faq_source PRIMARY KEY (owner_id, source_id), 
	CONSTRAINT fk_faq_source_owner_id_faq FOREIGN KEY(owner_id) REFERENCES faq (id) ON DELETE CASCADE, 
	CONSTRAINT fk_faq_source_source_id_source FOREIGN KEY(source_id) REFERENCES source (id) ON DELETE RESTRICT
);
CREATE TABLE finding (
	id INTEGER NOT NULL, 
	treatment_id INTEGER NOT NULL, 
	condition_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	outcome VARCHAR(40) NOT NULL, 
	comparison TEXT NOT NULL, 
	certainty VARCHAR(20) NOT NULL, 
	certainty_rank INTEGER NOT NULL, 
	certainty_note TEXT, 
	direction VARCHAR(20) NOT NULL, 
	effect TEXT NOT NULL, 
	plain_effect TEXT NOT NULL, 
	timepoint TEXT NOT NULL, 
	timepoint_weeks FLOAT, 
	est_measure VARCHAR(20), 
	est_value FLOAT, 
	est_ci_low FLOAT, 
	est_ci_high FLOAT, 
	est_scale TEXT, 
	est_better VARCHAR(10), 
	est_mcid FLOAT, 
	est_participants INTEGER, 
	est_studies INTEGER, 
	CONSTRAINT pk_finding PRIMARY KEY (id), 
	CONSTRAINT fk_finding_condition_id_condition FOREIGN KEY(condition_id) REFERENCES condition (id) ON DELETE RESTRICT, 
	CONSTRAINT fk_finding_treatment_id_treatment FOREIGN KEY(treatment_id) REFERENCES treatment (id) ON DELETE CASCADE
);
INSERT INTO "finding" VALUES(1,1,1,0,'pain','sham','low',2,NULL,'uncertain','e','pe','2 wk',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
CREATE TABLE finding_source (
	owner_id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_finding_source PRIMARY KEY (owner_id, source_id), 
	CONSTRAINT fk_finding_source_owner_id_finding FOREIGN KEY(owner_id) REFERENCES finding (id) ON DELETE CASCADE, 
	CONSTRAINT fk_finding_source_source_id_source FOREIGN KEY(source_id) REFERENCES source (id) ON DELETE RESTRICT
);
INSERT INTO "finding_source" VALUES(1,1,0);
CREATE TABLE glossary_entry (
	id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	term TEXT NOT NULL, 
	definition TEXT NOT NULL, 
	plain_definition TEXT NOT NULL, 
	synonyms JSON NOT NULL, 
	treatment_slugs JSON NOT NULL, 
	CONSTRAINT pk_glossary_entry PRIMARY KEY (id)
);
CREATE TABLE guideline (
	id INTEGER NOT NULL, 
	treatment_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	body TEXT NOT NULL, 
	stance VARCHAR(20) NOT NULL, 
	text TEXT NOT NULL, 
	CONSTRAINT pk_guideline PRIMARY KEY (id), 
	CONSTRAINT fk_guideline_treatment_id_treatment FOREIGN KEY(treatment_id) REFERENCES treatment (id) ON DELETE CASCADE
);
CREATE TABLE guideline_source (
	owner_id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_guideline_source PRIMARY KEY (owner_id, source_id), 
	CONSTRAINT fk_guideline_source_owner_id_guideline FOREIGN KEY(owner_id) REFERENCES guideline (id) ON DELETE CASCADE, 
	CONSTRAINT fk_guideline_source_source_id_source FOREIGN KEY(source_id) REFERENCES source (id) ON DELETE RESTRICT
);
CREATE TABLE "harm" (
	id INTEGER NOT NULL, 
	treatment_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	description TEXT NOT NULL, 
	plain_description TEXT NOT NULL, 
	frequency TEXT NOT NULL, 
	serious BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_harm PRIMARY KEY (id), 
	CONSTRAINT fk_harm_treatment_id_treatment FOREIGN KEY(treatment_id) REFERENCES treatment (id) ON DELETE CASCADE
);
INSERT INTO "harm" VALUES(1,1,0,'skin irritation','sore skin','not quantified',0);
CREATE TABLE harm_source (
	owner_id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_harm_source PRIMARY KEY (owner_id, source_id), 
	CONSTRAINT fk_harm_source_owner_id_harm FOREIGN KEY(owner_id) REFERENCES harm (id) ON DELETE CASCADE, 
	CONSTRAINT fk_harm_source_source_id_source FOREIGN KEY(source_id) REFERENCES source (id) ON DELETE RESTRICT
);
INSERT INTO "harm_source" VALUES(1,1,0);
CREATE TABLE kb_meta (
	id INTEGER NOT NULL, 
	kb_version VARCHAR(32) NOT NULL, 
	title TEXT NOT NULL, 
	last_reviewed DATE NOT NULL, 
	evidence_current_to TEXT NOT NULL, 
	update_policy TEXT NOT NULL, 
	funding TEXT NOT NULL, 
	conflicts_of_interest TEXT NOT NULL, 
	disclaimer TEXT NOT NULL, 
	content_origin VARCHAR(400) NOT NULL, 
	content_fingerprint VARCHAR(64) NOT NULL, 
	loaded_at DATETIME NOT NULL, authorship TEXT DEFAULT '' NOT NULL, reading_level TEXT DEFAULT '' NOT NULL, 
	CONSTRAINT pk_kb_meta PRIMARY KEY (id)
);
INSERT INTO "kb_meta" VALUES(1,'2025.1.0','Old KB','2025-01-01','x','policy','funding','coi','Disclaimer text','imported from old.json','abc','2025-01-01 00:00:00','','');
CREATE TABLE pathway_step (
	id INTEGER NOT NULL, 
	step INTEGER NOT NULL, 
	title TEXT NOT NULL, 
	plain_title TEXT NOT NULL, 
	description TEXT NOT NULL, 
	plain_description TEXT NOT NULL, 
	escalation_criteria JSON NOT NULL, 
	treatment_slugs JSON NOT NULL, 
	CONSTRAINT pk_pathway_step PRIMARY KEY (id), 
	CONSTRAINT uq_pathway_step_step UNIQUE (step)
);
CREATE TABLE pathway_step_source (
	owner_id INTEGER NOT NULL, 
	source_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_pathway_step_source PRIMARY KEY (owner_id, source_id), 
	CONSTRAINT fk_pathway_step_source_owner_id_pathway_step FOREIGN KEY(owner_id) REFERENCES pathway_step (id) ON DELETE CASCADE, 
	CONSTRAINT fk_pathway_step_source_source_id_source FOREIGN KEY(source_id) REFERENCES source (id) ON DELETE RESTRICT
);
CREATE TABLE "source" (
	id INTEGER NOT NULL, 
	"key" VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	peer_reviewed BOOLEAN NOT NULL, 
	citation TEXT NOT NULL, 
	year INTEGER, 
	pmid VARCHAR(16), 
	doi VARCHAR(200), 
	url TEXT, 
	note TEXT, 
	industry_link BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_source PRIMARY KEY (id), 
	CONSTRAINT uq_source_key UNIQUE ("key")
);
INSERT INTO "source" VALUES(1,'trial',0,'RCT',1,'A trial.',2020,'123',NULL,NULL,NULL,0);
CREATE TABLE "statistic" (
	id INTEGER NOT NULL, 
	"key" VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	label TEXT NOT NULL, 
	value FLOAT NOT NULL, 
	value_low FLOAT, 
	value_high FLOAT, 
	unit TEXT NOT NULL, 
	denominator TEXT NOT NULL, 
	population TEXT NOT NULL, 
	timeframe TEXT NOT NULL, 
	source_id INTEGER NOT NULL, 
	note TEXT, 
	seed_claim TEXT, 
	verdict VARCHAR(20), 
	read_in_source_id INTEGER, 
	of_people BOOLEAN DEFAULT 1 NOT NULL, 
	CONSTRAINT pk_statistic PRIMARY KEY (id), 
	CONSTRAINT uq_statistic_key UNIQUE ("key"), 
	CONSTRAINT fk_statistic_source_id_source FOREIGN KEY(source_id) REFERENCES source (id) ON DELETE RESTRICT, 
	CONSTRAINT fk_statistic_read_in_source_id_source FOREIGN KEY(read_in_source_id) REFERENCES source (id) ON DELETE RESTRICT
);
INSERT INTO "statistic" VALUES(1,'s',0,'Label',26.4,NULL,NULL,'%','adults','US','3 months',1,NULL,NULL,NULL,NULL,1);
CREATE TABLE treatment (
	id INTEGER NOT NULL, 
	slug VARCHAR(80) NOT NULL, 
	position INTEGER NOT NULL, 
	name TEXT NOT NULL, 
	category TEXT NOT NULL, 
	approach VARCHAR(20) NOT NULL, 
	invasiveness VARCHAR(30) NOT NULL, 
	mechanism TEXT NOT NULL, 
	plain_mechanism TEXT NOT NULL, 
	plain_summary TEXT NOT NULL, 
	delivered_by TEXT NOT NULL, 
	patient_commitment TEXT NOT NULL, 
	onset_weeks_min FLOAT, 
	onset_weeks_max FLOAT, 
	course TEXT NOT NULL, 
	duration_of_effect TEXT NOT NULL, 
	duration_weeks_min FLOAT, 
	duration_weeks_max FLOAT, 
	timeframe_note TEXT, 
	regulatory_note TEXT, 
	last_reviewed DATE NOT NULL, synonyms JSON DEFAULT '[]' NOT NULL, 
	CONSTRAINT pk_treatment PRIMARY KEY (id), 
	CONSTRAINT uq_treatment_slug UNIQUE (slug)
);
INSERT INTO "treatment" VALUES(1,'tens',0,'TENS','Devices','passive','non-invasive','m','pm','ps','PT','pc',NULL,NULL,'c','d',NULL,NULL,NULL,NULL,'2025-01-01','[]');
CREATE TABLE treatment_condition (
	treatment_id INTEGER NOT NULL, 
	condition_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	CONSTRAINT pk_treatment_condition PRIMARY KEY (treatment_id, condition_id), 
	CONSTRAINT fk_treatment_condition_condition_id_condition FOREIGN KEY(condition_id) REFERENCES condition (id) ON DELETE RESTRICT, 
	CONSTRAINT fk_treatment_condition_treatment_id_treatment FOREIGN KEY(treatment_id) REFERENCES treatment (id) ON DELETE CASCADE
);
INSERT INTO "treatment_condition" VALUES(1,1,0);
CREATE INDEX ix_finding_condition_certainty ON finding (condition_id, certainty_rank, treatment_id);
CREATE INDEX ix_finding_treatment_id ON finding (treatment_id);
CREATE INDEX ix_guideline_treatment_id ON guideline (treatment_id);
CREATE INDEX ix_harm_treatment_id ON harm (treatment_id);
COMMIT;
