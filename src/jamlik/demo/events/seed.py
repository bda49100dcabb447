"""The seed's data of the demo events: titles, the 2020 allocation table (13 groups, 499
seats), the programmes, and the first and last names the registrations are made of."""

from __future__ import annotations

from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TITLE_2020 = "Jämlikhetskonferensen 2020"
UPCOMING_PREFIX = "Jämlikhetskonferensen"
CONTACT = "jamlikt@goteborg.se"

DESCRIPTION_2020 = (
    "I vår är det dags igen för flera hundra medarbetare och politiker från nämnder, "
    "styrelser, förvaltningar och bolag att mötas kring målet att Göteborg ska vara en jämlik "
    "stad. Årets konferens äger rum onsdagen den 27 maj på Burgården konferens och är en del "
    "av ESF-projektet ”Socialt innovationslabb – för jämlik stad och hållbart arbetsliv”.\n\n"
    "I maj kommer konferensen att kretsa kring vårt grunduppdrag och vår allra viktigaste "
    "investering: stadens främjande och förebyggande arbete, inom organisationen och för "
    "göteborgarna.\n\n"
    "För att säkra en så rättvis fördelning av platserna som möjligt gäller en platsfördelning "
    "(med anmälningsspärr) fram till den 27 april, därefter släpps platserna fria för alla "
    "medarbetare, förtroendevalda och samverkansparter oavsett verksamhet. Ta kontakt med din "
    "närmaste chef om du vill anmäla dig."
)

# The seed's allocation table: (group, quota, organisation codes of the demo registry).
ALLOCATIONS = [
    ("Stadsdelsförvaltningarna (totalt)", 200,
     ["SDF-ANG", "SDF-OG", "SDF-OH", "SDF-CEN", "SDF-ML", "SDF-AFH", "SDF-VG", "SDF-VH",
      "SDF-LUN", "SDF-NH"]),
    ("Social resursförvaltning", 30, ["SRF"]),
    ("Grundskoleförvaltning", 25, ["GSF"]),
    ("Förskoleförvaltning", 25, ["FSF"]),
    ("Utbildningsförvaltning", 20, ["UBF"]),
    ("Arbetsmarknad och vuxenutbildning", 15, ["AVUX"]),
    ("Stadsbyggnadskontoret", 12, ["SBK"]),
    ("Konsument och medborgarservice", 12, ["KOM"]),
    ("Kulturförvaltningen", 30, ["KUF"]),
    ("Övriga fackförvaltningar", 40, ["TK", "PN", "FK", "MF", "IOF", "LF"]),
    ("Kommunstyrelsen och Stadsledningskontoret", 20, ["KS", "SLK"]),
    ("Bolag inom Stadshus AB", 30,
     ["STADSHUS", "GE", "FRA", "HAMN", "GOTEV", "HIGAB", "RENOVA"]),
    ("Externa/Övriga", 40, ["EXT-FACK", "EXT-VGR", "EXT-CIV"]),
]  # fmt: skip

# People registering per group before the release in 2020 (above the quota: waiting).
DEMAND_2020 = [212, 27, 28, 22, 17, 11, 12, 9, 33, 31, 20, 19, 16]

# The seed's programme: (start, end, title, room, capacity, speakers, description).
PROGRAMME_2020 = [
    ("09:00", "10:00", "Socialt innovationslabb – för jämlik stad och hållbart arbetsliv",
     "Stora salen", None, "Projektledningen, Stadsledningskontoret",
     "Förändringsresan mot en jämlik stad utan diskriminering kräver uthållighet, men ibland "
     "även nya sätt att angripa samhällets svårlösta och komplexa utmaningar. Ett nystartat "
     "ESF-projekt där vi under två år testar innovationslabb som metod i fyra "
     "pilotförvaltningar för att aktivera jämlikhet i ledning, uppföljning och HR-arbete."),
    ("10:30", "11:30", "Närområden som bryr sig", "Sal A", 150, "Malmö stad",
     "Malmö stad har infört ett styrsystem för det förebyggande arbetet som kallas "
     "Communities That Care (CTC). Skola, socialtjänst, polis, civilsamhälle, boende och "
     "näringsliv i ett närområde arbetar tillsammans och systematiskt för en positiv social "
     "utveckling."),
    ("10:30", "11:30", "Barn bygger Göteborg – inflytande i stadens utveckling", "Sal B", 150,
     "Stadsbyggnadskontoret",
     "Den 1 januari blev barnkonventionen lag i Sverige och det ska prägla "
     "samhällsplaneringsprocessen. Hur kan lagen stötta arbetet med att låta barn och unga "
     "göra avtryck i stadsutveckling och arkitektur?"),
    ("10:30", "11:30", "Nudging som verktyg för Agenda 2030", "Sal C", 200, "",
     "Att puffa lite lätt mot en viss riktning genom att göra vissa val enklare än andra. "
     "Lär dig att använda nudging i praktiken och som verktyg i arbetet för ett mer hållbart "
     "samhälle. Och när är det egentligen okej att påverka människors beteende?"),
    ("13:00", "14:00",
     "Kan den nya socialtjänstlagen bana väg för ett långsiktigt hållbart arbete?",
     "Stora salen", None, "Margareta Winberg, särskild utredare",
     "Margareta Winberg är särskild utredare för översynen av socialtjänstlagen, som bland "
     "annat ska ge förslag på en hållbar socialtjänst som främjar ett långsiktigt "
     "förebyggande arbete."),
    ("14:30", "15:30", "Utökade hembesök hos förstagångsföräldrar", "Sal A", 125, "",
     "Två hembesök utökades till sex hos alla förstagångsföräldrar i utvalda områden. Vilka "
     "effekter kan vi se så här långt?"),
    ("14:30", "15:30", "Skola som arena", "Sal B", 125, "",
     "Skolor öppnas för att bli mötesplatser för både barn och vuxna efter skoltid. "
     "Näringsliv, civilsamhälle och det offentliga samverkar."),
    ("14:30", "15:30", "Tidiga, främjande och förebyggande insatser", "Sal C", 125,
     "Social resursförvaltning",
     "Vilka förutsättningar finns i Göteborgs Stad att arbeta med tidiga, främjande och "
     "förebyggande insatser? En rapport undersöker frågan."),
    ("14:30", "15:30", "Jämlik tillgång till konst och kultur", "Sal D", 125,
     "Kulturförvaltningen",
     "Alla barn har rätt till konst och kultur, men i Göteborg finns barn och unga som knappt "
     "tar del av stadens kulturliv alls. Hur kan vi arbeta för en mer jämlik tillgång?"),
]  # fmt: skip

PROGRAMME_UPCOMING = [
    ("09:00", "10:00", "Välkommen: jämlik stad, nästa steg", "Stora salen", None,
     "Stadsledningskontoret", "Vad har hänt sedan förra konferensen, och vart går vi nu?"),
    ("10:30", "11:30", "Aktiva åtgärder i praktiken", "Sal A", 150, "HR-nätverket",
     "Undersöka, analysera, åtgärda, följa upp: så arbetar förvaltningarna med "
     "diskrimineringslagens krav."),
    ("10:30", "11:30", "Kränkande särbehandling – förebygga och hantera", "Sal B", 150,
     "Arbetsmiljöfunktionen", "Rutiner, ansvar och stöd enligt AFS 2023:2."),
    ("10:30", "11:30", "Jämlik hälsa i stadsdelarna", "Sal C", 200, "",
     "Vad säger uppföljningen om skillnaderna i livsvillkor mellan stadens delar?"),
    ("13:00", "14:00", "Tillgänglighet och delaktighet", "Stora salen", None, "",
     "Hur blir stadens möten, lokaler och tjänster tillgängliga för alla?"),
]  # fmt: skip

FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Sara",
    "Anders",
    "Eva",
    "Per",
    "Emma",
    "Mikael",
    "Lena",
    "Fredrik",
    "Kristina",
    "Jonas",
    "Sofia",
    "Magnus",
    "Elin",
    "Daniel",
    "Ingrid",
    "Ahmed",
    "Fatima",
    "Ali",
    "Leyla",
    "Mohammed",
    "Amina",
    "Hassan",
    "Nora",
    "Oskar",
    "Ida",
    "Viktor",
    "Hanna",
    "David",
    "Julia",
    "Peter",
    "Camilla",
    "Mats",
    "Ulrika",
    "Patrik",
    "Linnea",
    "Tobias",
    "Helena",
    "Andreas",
    "Maja",
    "Stefan",
    "Jenny",
    "Björn",
    "Åsa",
    "Göran",
    "Märta",
    "Jörgen",
    "Birgitta",
    "Ove",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Ali",
    "Mohammed",
    "Hussein",
    "Yilmaz",
    "Ahmadi",
    "Holm",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Danielsson",
    "Håkansson",
    "Ekström",
    "Åberg",
    "Öberg",
]
TITLES = [
    "Enhetschef", "Socialsekreterare", "HR-specialist", "Utvecklingsledare", "Lärare",
    "Förskollärare", "Verksamhetsutvecklare", "Sektorschef", "Kommunikatör", "Planarkitekt",
    "Folkhälsoplanerare", "Biståndshandläggare", "Controller", "Förvaltningschef", "",
]  # fmt: skip
