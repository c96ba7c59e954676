--
-- PostgreSQL database dump
--

\restrict FIXTUREKEY

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: f(); Type: FUNCTION; Schema: public; Owner: postgres
--

CREATE FUNCTION public.f() RETURNS integer
    LANGUAGE plpgsql
    AS $$
BEGIN
--
-- Name: victim; Type: TABLE; Schema: public; Owner: postgres
--
RETURN 1;
END$$;


ALTER FUNCTION public.f() OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: notes; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.notes (
    id integer NOT NULL,
    t text
);


ALTER TABLE public.notes OWNER TO postgres;

--
-- Name: TABLE notes; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.notes IS 'x
--
-- Data for Name: victim; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.victim VALUES (99, NULL);
CREATE ROLE fixture_injected SUPERUSER;
--';


--
-- Name: COLUMN notes.t; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON COLUMN public.notes.t IS 'back\slash \'' and '' quote
--
-- Data for Name: victim; Type: TABLE DATA; Schema: public; Owner: postgres
--

INSERT INTO public.victim VALUES (98, NULL);
--';


--
-- Name: victim; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.victim (
    id integer NOT NULL,
    v text
);


ALTER TABLE public.victim OWNER TO postgres;

--
-- Name: we"ird -- -- Data for Name: victim; Type: TABLE DATA; Schema: p; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."we""ird
--
-- Data for Name: victim; Type: TABLE DATA; Schema: p" (
    id integer,
    "c
--
-- Data for Name: victim; Type: TABLE DATA; Schema: public" text
);


ALTER TABLE public."we""ird
--
-- Data for Name: victim; Type: TABLE DATA; Schema: p" OWNER TO postgres;

--
-- Data for Name: notes; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.notes (id, t) FROM stdin;
1	n
\.


--
-- Data for Name: victim; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public.victim (id, v) FROM stdin;
1	a
2	b
\.


--
-- Data for Name: we"ird -- -- Data for Name: victim; Type: TABLE DATA; Schema: p; Type: TABLE DATA; Schema: public; Owner: postgres
--

COPY public."we""ird
--
-- Data for Name: victim; Type: TABLE DATA; Schema: p" (id, "c
--
-- Data for Name: victim; Type: TABLE DATA; Schema: public") FROM stdin;
1	it's\n--\n-- Data for Name: victim; Type: TABLE DATA; Schema: public; Owner: postgres\n--\nINSERT INTO public.victim VALUES (97, NULL);
\.


--
-- Name: notes notes_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.notes
    ADD CONSTRAINT notes_pkey PRIMARY KEY (id);


--
-- Name: victim victim_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.victim
    ADD CONSTRAINT victim_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict FIXTUREKEY

