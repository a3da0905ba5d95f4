"""A long tail of words for the large benchmark market, most frequent first.

Derived once from the word frequencies of the UK personalisation guidance summarised in
../shared/GLOSSARY.md (words of four letters or more seen at least twice, stop words removed), so
that generated descriptions share the domain's real vocabulary and its skewed frequencies. The
demo market does not use it; bench.generate_market samples it with Zipf-like weights.
"""

SOURCE_WORDS: tuple[str, ...] = tuple(
    """
health people mental support care services personal social information help personalisation
local budgets carers community self commissioning things person access service life good work
development approach control recovery direct links working making staff references advice
training available partnership risk planning leadership communities outcomes examples housing
budget payments experience different inclusion centred right example opportunities individual
approaches practice organisations user skills learning take resources provide positive real ways
assessment programme time lives systems whole family want framework national choice centre adult
system change management live quality employment problems equality research professionals
supporting wellbeing groups arts creative including better part guide commissioners signposts
first role improve policy users website together based supported plan place workforce developing
independent caring organisation payment feel individuals meet issues clear managing government
culture opportunity public choices ensure involved difficulties range report directed early
society mind helps providers process personalised evidence find friends develop treatment
providing team trust review prevention taking department guidance equal leisure evaluation
knowledge money needed strategic means authorities options think someone plans living networks
activities older joint managers citizens project programmes achieve happen active full spandler
future lead decisions significant england important best intervention members link provision
strategy manage barriers action projects designed challenges education ethnic helpful stay pilot
integrated towards senior publications areas consultation specific funding term experiences
authority fair promote practical given number impact results peer rural understanding putting
processes disability black challenge offer contact carer design stories partners expert times
production ideas beyond particular appropriate expertise easy influence understand effective
changes model flexibility voluntary provides level leaders developed strategies communication
account cultural involvement thinking long families minority know respect give physical
universal crisis able progress paid vick sector disabled encourage implementation activity
motivation balance suits partnerships stockport says network sure relationship roles often
giving eligible everyone advocacy ensuring implementing principles mean document offered enable
distress come paths employers terms benefit teams traditional specialist group partner safety
bring accessible back financial shared vision field improving improvement likely investment
directly young look recover patient innovation taken marker encouraged clinical technology
hospital possible arrangements briefing transport benefits address introduction promoting breaks
include particularly choose focus relationships journal keeping years complex illness getting
flexible confident involving brokerage experts business dixon changing council greater helping
aims identify stages home ongoing routinely point children unwell university regular supports
central awareness provided decision takes delivery definitions disabilities healthy learn
foundation symptoms successful dementia organisational wide planned wishes spent courses
potential identified telecare shift practitioners conditions requires informed sometimes lesbian
professional assessments advocates create produced criteria john diversity attitudes confidence
short context promotion funded coordinators concerns risks psychological study higher commission
next schemes tools cross become differences healthcare guides line area works language inclusive
board patients easily anyone dedicated allocated participation market keep reablement leads
integration glendinning receive following finding common meaningful order share aspects primary
safe eligibility really sense told independence importance employed lack still essential
exclusion steps improved agencies executive paper option resource achieving commissioned behalf
high throughout wherever websites describes emotional building goals participate amount decide
wider power enablement matters recognised result innovative empowerment sensitive outcome vital
already actively forum confederation coming engagement success karen implications strengths kind
gain build wanted condition journey solutions stage recognise enough carried house felt hope
always discussion colleagues away response capacity safeguarding raise discrimination meeting
includes recognising currently fund general concerned behaviour least deliver scie direction
problem race poor managed contribution accounts views markers open associated found reality
ordinators seen rights cost generally treated treat faith avoid relevant member current
supportive feeling fulfilled harm recognition base locally core employ valued explore legal
audit employer royal looks outside inspection small performance sustainable effectiveness strong
homelessness delivering glance published gaps worker stigma aspirations agenda increased carr
talking position offers offering informal admission talk willing focuses thing attention sharing
london comfortable play interests sources overall literature norah bristol increase facilities
purchase receiving longer levels major forward frontline coldham reach initiatives clarity move
brings initiative friend critical enabling promotes charity media west values useful elected
fulfilling alcohol severe heart messages empowered quickly looking rethink driving seek
respected reviews detail nationally feedback assistants assurance policies locality shops
expectations continued advantage population parents replacement priorities invest plus
responsibilities princess bisexual explain contracting boards clinicians running anxiety citizen
homes spending mentoring bailey collaboration provider addressing pilots crucial involves
empower discuss transgender determine practitioner differently situation spend advance opened
prevent medication difficult issue coordinator statements unit summary experiencing perceived
cash fernandez sufficient assistant mainstream apply necessary fundamental transforming sectors
existing drive inequalities seeking amongst diverse less newbigging follow application sanderson
networking overcoming leeds north east hascas practices speaking affects background entitled
continuous difference adults lancashire southampton thank association languages ages
responsibility sets statutory done perspective consider call additional episode serious century
independently final reduced achieved creativity listen case survey meets stop matter start
reflected engage contribute focusing responsible focused creating shop regional runs office
forms later idea employing suit prepare monitoring holder continue rates poverty properly behind
difficulty enterprises wrong engaged situations improvements course micro delivered represents
workers panel vocational depression boundaries sports value sport career placement achievement
deterioration usually efficiency telehealth completely written points driven manager dealing
effectively allocation entirely preferences identifying transformation meant received shape
regardless emerging uptake robbins test started trying walk circle touch holistic retain
alternatives assess places free standards initial happens conversations involve substantial
south months finally came march receipt extent factors concept continuing fits philosophy
capital rise proportion remains large half recipients daily night addition deciding jones
cestari trained expect fact included grants manthorpe experienced encouraging lyons barrier
swift hill lowe guidelines becomes heslop developments view dynamic today july figures linked
topics intensive helen directions british advisory excellence modernising obstacles treats
mindinfo established related text bath contents note terminology describe interest called
external reference words highlighted something enthusiasts starts question form cope impacts
welfare multiple degrees drug guiding principle treating staying ensures maximum setting
admissions shows sites gets unique limited connected checking unpaid regard therefore simple
hopeful backgrounds arrange enthusiasm built balanced hand demonstrate reporting instead
satisfaction regulation acknowledgement ordination nothing raising specifically speak computers
internet questions pubs mentors disorder mutual webpage volunteering online little required
agreed year rolled integrating makes turn advocate councils whatever contracts college
requirements trainers carry stress misuse week lowest campaigns advisers allow decent finance
clubs space teachers helped gives aimed studies interpreters labour procurement growing
isolation equalities economic voices bradford innovate captured attend pool smaller engaging
therapies creatively peers data challenging freedom pensions shelter homeless considered
qualifications employability majority commissioner collaborative consultancy agreement begin
secondary makers costs models rely trusted builds capabilities went goods emphasis almost
organizations scheme title cite photography nick closing fluctuating examines simply date
piloted funds elements stopped progressive neurological requiring navigate shoes cases
identifies main intended anything earlier preventive responses facilitate organised formal
created hertfordshire assessed leaving leave held previous gave appointment jargon telephone
manner translation interpretation subsequent appointments coordination standard refer
considering meetings consent psychiatrist telling couldn tell said doesn recently asked moving
monitor october relating special latest version norahfry recognises contributing beresford
wallcraft brewis presence adapt comes growth individually tailored rose cent compared impairment
variations suggested imaginatively light dark stainton boyce respite accessing pearson hasler
stewart carmichael brown ridley taylor private duffy combination streams equipment took tendency
concluded bamber flanagan additionally choosing targeted recruitment require lombard henwood
hudson stuart george luckhurst represent lunt rabiee word forums survivors overlaps press voice
rough nmhdu ourhealthourcareoursay socialinclusion publicationsandstatistics december
dhcarenetworks browse researchand ilsyork checks associates helensandersonassociates
hminibookweb moran individualised files viable institute pssru third protects positively
legislation closely phone celebration southamptoncil uclan consultants worked details speech
registered montreux james street foreword publish marginalised draws calls ultimately aligned
objectives criminal justice contains column window documentary shown definition list pointers
nature tough ability workplace varying severity recurring satisfying autonomy wish respecting
human dignity purposes evaluations findings showed recent cannot energetic comprehensive honesty
proposes lost determined frameworks tool exclude tried acknowledge acting alliance white route
anthony expectation documents everyday close responds prepared ready according tariffs
communications solving undermine international directive wellness agreements carrying whilst
repeatedly generating indicators purpose gained midlands practicalities assistive kinds
immediate english sign reliable library exchange basis radio broadcasting satellite channels
audiences surgeries fulfil dreams systematic reduce qualification marketplace facility format
mencap video videos variety comfortably agency solely april easier solution tells believe
misunderstandings factor relatives complete cause exercise frustrating show brought fully arise
advertising evaluating secure statement psychiatrists spends second hold draft bill duty
statistics responsive answer friendship reasonably expected caregiver pressure highest break
unusual forced hardship employees vacancies jobcentre aware therapy drop centres meals child
protected inappropriate thrive childhood confidentiality chance factsheet membership quick faced
unfairness minorities deprivation failing continuity explaining availability left world class
psychiatry reflect expressing check feed recruit tackle circumstances mobile libraries
increasing overcome alongside transgendered consulting travelling cultures consultations supply
advisors potentially younger country removed neighbourhoods mechanisms protect committee
collaborate style listened presents fill block designing measure asset mapping wealth toolkit
hospitals download empowering timebanking excellent demonstrates embrace drawing period single
categories input known volunteers rent arrears settled assessing pathways lettings legitimate
participants environment drake dozens enterprise adviser prospectus creates friendly
policymaking lambeth ground bringing compact delay ageing costly psychosis fire occurs diversion
city ablement predictive modelling nuffield predicting going averse king fewer publicly
directors leading skilled inspiring inspire calculated removal smoothly structured capable
paying becoming increasingly define elsewhere economy purchased book lagging huge terry dafter
knew permission tildsley gardening watershed moment
    """.split()
)
