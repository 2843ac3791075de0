// Generated from Grafana's units kind (grafana-foundation-sdk `units.jsonschema.json`, main
// f178d5a4). Kept as checked-in code so the workspace has no build script; regenerate by
// reading the schema's `definitions` (name -> const) if Grafana adds units.
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One table, three uses: the enum, [`Unit::id`] and [`Unit::from_id`] are all written
/// from it, so an id cannot be added to one and forgotten in another.
macro_rules! units {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)*) => {
        /// A Grafana field unit. Typed so a typo is a compile error, not a panel that silently
        /// shows raw numbers: one variant per id of Grafana's units kind, and
        /// [`Unit::Custom`] for every other string Grafana accepts, made by the constructors
        /// of its custom forms ([`Unit::suffix`], [`Unit::prefix`], [`Unit::si`],
        /// [`Unit::count`], [`Unit::currency`], [`Unit::time`], [`Unit::bool`]) or read from
        /// a dashboard. Any unit string reads and writes back unchanged.
        ///
        /// ```
        /// use dashboard_model::Unit;
        /// assert_eq!(Unit::Seconds.id(), "s");
        /// assert_eq!(Unit::PercentUnit.id(), "percentunit");
        /// assert_eq!(Unit::suffix("req").id(), "suffix:req");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Unit {
            $($(#[$doc])* $variant,)*
            /// Any unit id Grafana's units kind does not list: a custom form or an id
            /// Grafana does not know. Only made by [`Unit::from_id`] and the custom-form
            /// constructors, which never hold a listed id, so two equal ids are always the
            /// same value.
            Custom(CustomUnit),
        }

        impl Unit {
            /// The unit id Grafana stores in `fieldConfig.defaults.unit`.
            ///
            /// ```
            /// assert_eq!(dashboard_model::Unit::BytesIEC.id(), "bytes");
            /// ```
            pub fn id(&self) -> &str {
                match self {
                    $(Unit::$variant => $id,)*
                    Unit::Custom(c) => c.id(),
                }
            }

            /// The unit with this Grafana id, the inverse of [`Unit::id`]: a listed id
            /// gives its variant, any other string [`Unit::Custom`] holding it.
            ///
            /// ```
            /// use dashboard_model::Unit;
            /// assert_eq!(Unit::from_id("percentunit"), Unit::PercentUnit);
            /// assert_eq!(Unit::from_id("suffix:req"), Unit::suffix("req"));
            /// assert_eq!(Unit::from_id("furlongs").id(), "furlongs");
            /// ```
            pub fn from_id(id: &str) -> Unit {
                match id {
                    $($id => Unit::$variant,)*
                    _ => Unit::Custom(CustomUnit(id.to_string())),
                }
            }
        }

        /// Every listed id, for the test that no custom form can shadow one.
        #[cfg(test)]
        const LISTED_IDS: &[&str] = &[$($id,)*];
    };
}

units! {
    /// NoUnit (`none`)
    NoUnit = "none",
    /// String (`string`)
    String = "string",
    /// Short (`short`)
    Short = "short",
    /// SI short (`sishort`)
    SiShort = "sishort",
    /// Percent (0-100) (`percent`)
    Percent = "percent",
    /// Percent (0.0-1.0) (`percentunit`)
    PercentUnit = "percentunit",
    /// Humidity (%H) (`humidity`)
    Humidity = "humidity",
    /// Decibel (dB) (`dB`)
    Decibel = "dB",
    /// Candela (cd) (`candela`)
    Candela = "candela",
    /// Hexadecimal (0x) (`hex0x`)
    HexadecimalOx = "hex0x",
    /// Hexadecimal (`hex`)
    Hexadecimal = "hex",
    /// ScientificNotation (`sci`)
    ScientificNotation = "sci",
    /// LocaleFormat (`locale`)
    LocaleFormat = "locale",
    /// Pixels (px) (`pixel`)
    Pixels = "pixel",
    /// Acceleration: Meters/sec² (m/sec²) (`accMS2`)
    MetersSecSquared = "accMS2",
    /// Acceleration: Feet/sec² (f/sec²) (`accFS2`)
    FeetSecSquared = "accFS2",
    /// G unit (g) (`accG`)
    GUnit = "accG",
    /// Angle: Degrees (°) (`degree`)
    Degrees = "degree",
    /// Angle: Radians (`radian`)
    Radians = "radian",
    /// Angle: Gradian (`grad`)
    Gradian = "grad",
    /// Angle: Arc Minutes (`arcmin`)
    ArcMinutes = "arcmin",
    /// Angle: Arc Seconds (`arcsec`)
    ArcSeconds = "arcsec",
    /// Area: Square Meters (m²) (`areaM2`)
    SquareMeters = "areaM2",
    /// Area: Square Feet (ft²) (`areaF2`)
    SquareFeet = "areaF2",
    /// Area: Square Miles (mi²) (`areaMI2`)
    SquareMiles = "areaMI2",
    /// Area: Acres (ac) (`acres`)
    Acres = "acres",
    /// Area: Hectares (ha) (`hectares`)
    Hectares = "hectares",
    /// Computation: FLOP/s (`flops`)
    FlopsPerSecond = "flops",
    /// Computation: MFLOP/s (`mflops`)
    MegaFlopsPerSecond = "mflops",
    /// Computation: GFLOP/s (`gflops`)
    GigaFlopsPerSecond = "gflops",
    /// Computation: TFLOP/s (`tflops`)
    TeraFlopsPerSecond = "tflops",
    /// Computation: PFLOP/s (`pflops`)
    PetaFlopsPerSecond = "pflops",
    /// Computation: EFLOP/s (`eflops`)
    ExaFlopsPerSecond = "eflops",
    /// Computation: ZFLOP/s (`zflops`)
    ZettaFlopsPerSecond = "zflops",
    /// Computation: YFLOP/s (`yflops`)
    YottaFlopsPerSecond = "yflops",
    /// Concentration: parts-per-million (ppm) (`ppm`)
    PartsPerMillion = "ppm",
    /// Concentration: parts-per-billion (ppb) (`conppb`)
    PartsPerBillion = "conppb",
    /// Concentration: nanogram per cubic meter (ng/m³) (`conngm3`)
    NanogramPerCubicMeter = "conngm3",
    /// Concentration: nanogram per normal cubic meter (ng/Nm³) (`conngNm3`)
    NanogramPerNormalCubicMeter = "conngNm3",
    /// Concentration: microgram per cubic meter (μg/m³) (`conμgm3`)
    MicrogramPerCubicMeter = "conμgm3",
    /// Concentration: microgram per normal cubic meter (μg/Nm³) (`conμgNm3`)
    MicrogramPerNormalCubicMeter = "conμgNm3",
    /// Concentration: milligram per cubic meter (mg/m³) (`conmgm3`)
    MilligramPerCubicMeter = "conmgm3",
    /// Concentration: milligram per normal cubic meter (mg/Nm³) (`conmgNm3`)
    MilligramPerNormalCubicMeter = "conmgNm3",
    /// Concentration: gram per cubic meter (g/m³) (`congm3`)
    GramPerCubicMeter = "congm3",
    /// Concentration: gram per normal cubic meter (g/Nm³) (`congNm3`)
    GramPerNormalCubicMeter = "congNm3",
    /// Concentration: milligrams per decilitre (mg/dL) (`conmgdL`)
    MilligramsPerDecilitre = "conmgdL",
    /// Concentration: millimoles per litre (mmol/L) (`conmmolL`)
    MillimolesPerLiter = "conmmolL",
    /// Currency: Dollars ($) (`currencyUSD`)
    Dollars = "currencyUSD",
    /// Currency: Pounds (£) (`currencyGBP`)
    Pounds = "currencyGBP",
    /// Currency: Euro (€) (`currencyEUR`)
    Euro = "currencyEUR",
    /// Currency: Yen (¥) (`currencyJPY`)
    Yen = "currencyJPY",
    /// Currency: Rubles (₽) (`currencyRUB`)
    Rubles = "currencyRUB",
    /// Currency: Hryvnias (₴) (`currencyUAH`)
    Hryvnias = "currencyUAH",
    /// Currency: Real (R$) (`currencyBRL`)
    Real = "currencyBRL",
    /// Currency: Danish Krone (kr) (`currencyDKK`)
    DanishKrone = "currencyDKK",
    /// Currency: Icelandic Króna (kr) (`currencyISK`)
    IcelandicKrona = "currencyISK",
    /// Currency: Norwegian Krone (kr) (`currencyNOK`)
    NorwegianKrone = "currencyNOK",
    /// Currency: Swedish Krona (kr) (`currencySEK`)
    SwedishKrona = "currencySEK",
    /// Currency: Czech koruna (czk) (`currencyCZK`)
    CzechKoruna = "currencyCZK",
    /// Currency: Swiss franc (CHF) (`currencyCHF`)
    SwissFranc = "currencyCHF",
    /// Currency: Polish Złoty (PLN) (`currencyPLN`)
    PolishZloty = "currencyPLN",
    /// Currency: Bitcoin (฿) (`currencyBTC`)
    Bictoin = "currencyBTC",
    /// Currency: Milli Bitcoin (฿) (`currencymBTC`)
    MilliBitcoin = "currencymBTC",
    /// Currency: Micro Bitcoin (฿) (`currencyμBTC`)
    MicroBitcoin = "currencyμBTC",
    /// Currency: South African Rand (R) (`currencyZAR`)
    SouthAfricanRand = "currencyZAR",
    /// Currency: Indian Rupee (₹) (`currencyINR`)
    IndianRupee = "currencyINR",
    /// Currency: South Korean Won (₩) (`currencyKRW`)
    SouthKoreanWon = "currencyKRW",
    /// Currency: Indonesian Rupiah (Rp) (`currencyIDR`)
    IndonesianRupiah = "currencyIDR",
    /// Currency: Philippine Peso (PHP) (`currencyPHP`)
    PhilippinePeso = "currencyPHP",
    /// Currency: Vietnamese Dong (VND) (`currencyVND`)
    VietnameseDong = "currencyVND",
    /// Currency: Turkish Lira (₺) (`currencyTRY`)
    TurkishLira = "currencyTRY",
    /// Currency: Malaysian Ringgit (RM) (`currencyMYR`)
    MalaysianRinggit = "currencyMYR",
    /// Currency: CFP franc (XPF) (`currencyXPF`)
    CFPFranc = "currencyXPF",
    /// Currency: Bulgarian Lev (BGN) (`currencyBGN`)
    BulgarianLev = "currencyBGN",
    /// Currency: Guaraní (₲) (`currencyPYG`)
    Guarani = "currencyPYG",
    /// Currency: Uruguay Peso (UYU) (`currencyUYU`)
    UruguayPeso = "currencyUYU",
    /// Currency: Israeli New Shekels (₪) (`currencyILS`)
    IsraeliNewShekels = "currencyILS",
    /// Data: bytes(IEC) (`bytes`)
    BytesIEC = "bytes",
    /// Data: bytes(SI) (`decbytes`)
    BytesSI = "decbytes",
    /// Data: bits(IEC) (`bits`)
    BitsIEC = "bits",
    /// Data: bits(SI) (`decbits`)
    BitsSI = "decbits",
    /// Data: kibibytes (`kbytes`)
    Kibibytes = "kbytes",
    /// Data: kilobytes (`deckbytes`)
    Kilobytes = "deckbytes",
    /// Data: mebibytes (`mbytes`)
    Mebibytes = "mbytes",
    /// Data: megabytes (`decmbytes`)
    Megabytes = "decmbytes",
    /// Data: gibibytes (`gbytes`)
    Gibibytes = "gbytes",
    /// Data: gigabytes (`decgbytes`)
    Gigabytes = "decgbytes",
    /// Data: tebibytes (`tbytes`)
    Tebibytes = "tbytes",
    /// Data: terabytes (`dectbytes`)
    Terabytes = "dectbytes",
    /// Data: pebibytes (`pbytes`)
    Pebibytes = "pbytes",
    /// Data: petabytes (`decpbytes`)
    Petabytes = "decpbytes",
    /// Data rate: packets/sec (`pps`)
    PacketsPerSecond = "pps",
    /// Data rate: bytes/sec(IEC) (`binBps`)
    BytesPerSecondIEC = "binBps",
    /// Data rate: bytes/sec(SI) (`Bps`)
    BytesPerSecondSI = "Bps",
    /// Data rate: bits/sec(IEC) (`binbps`)
    BitsPerSecondIEC = "binbps",
    /// Data rate: bits/sec(SI) (`bps`)
    BitsPerSecondSI = "bps",
    /// Data rate: kibibytes/sec (`KiBs`)
    KibibytesPerSecond = "KiBs",
    /// Data rate: kibibits/sec (`Kibits`)
    KibibitsPerSecond = "Kibits",
    /// Data rate: kilobytes/sec (`KBs`)
    KilobytesPerSecond = "KBs",
    /// Data rate: kilobits/sec (`Kbits`)
    KilobitsPerSecond = "Kbits",
    /// Data rate: mebibytes/sec (`MiBs`)
    MebibytesPerSecond = "MiBs",
    /// Data rate: mebibits/sec (`Mibits`)
    MebibitsPerSecond = "Mibits",
    /// Data rate: megabytes/sec (`MBs`)
    MegabytesPerSecond = "MBs",
    /// Data rate: megabits/sec (`Mbits`)
    MegabitsPerSecond = "Mbits",
    /// Data rate: gibibytes/sec (`GiBs`)
    GibibytesPerSecond = "GiBs",
    /// Data rate: gibibits/sec (`Gibits`)
    GibibitsPerSecond = "Gibits",
    /// Data rate: gigabytes/sec (`GBs`)
    GigabytesPerSecond = "GBs",
    /// Data rate: gigabits/sec (`Gbits`)
    GigabitsPerSecond = "Gbits",
    /// Data rate: tebibytes/sec (`TiBs`)
    TebibytesPerSecond = "TiBs",
    /// Data rate: tebibits/sec (`Tibits`)
    TebibitsPerSecond = "Tibits",
    /// Data rate: terabytes/sec (`TBs`)
    TerabytesPerSecond = "TBs",
    /// Data rate: terabits/sec (`Tbits`)
    TerabitsPerSecond = "Tbits",
    /// Data rate: pebibytes/sec (`PiBs`)
    PebibytesPerSecond = "PiBs",
    /// Data rate: pebibits/sec (`Pibits`)
    PebibitsPerSecond = "Pibits",
    /// Data rate: petabytes/sec (`PBs`)
    PetabytesPerSecond = "PBs",
    /// Data rate: petabits/sec (`Pbits`)
    PetabitsPerSecond = "Pbits",
    /// Date & time: Datetime ISO (`dateTimeAsIso`)
    DatetimeISO = "dateTimeAsIso",
    /// Date & time: Datetime ISO (No date if today) (`dateTimeAsIsoNoDateIfToday`)
    DatetimeISONotToday = "dateTimeAsIsoNoDateIfToday",
    /// Date & time: Datetime US (`dateTimeAsUS`)
    DatetimeUS = "dateTimeAsUS",
    /// Date & time: Datetime US (No date if today) (`dateTimeAsUSNoDateIfToday`)
    DatetimeUSNotToday = "dateTimeAsUSNoDateIfToday",
    /// Date & time: Datetime local (`dateTimeAsLocal`)
    DatetimeLocal = "dateTimeAsLocal",
    /// Date & time: Datetime local (No date if today) (`dateTimeAsLocalNoDateIfToday`)
    DatetimeLocalNotToday = "dateTimeAsLocalNoDateIfToday",
    /// Date & time: Datetime default (`dateTimeAsSystem`)
    DatetimeDefault = "dateTimeAsSystem",
    /// Date & time: From Now (`dateTimeFromNow`)
    DateTimeFromNow = "dateTimeFromNow",
    /// Energy: Watt (W) (`watt`)
    Watt = "watt",
    /// Energy: Kilowatt (kW) (`kwatt`)
    KiloWatt = "kwatt",
    /// Energy: Megawatt (MW) (`megwatt`)
    MegaWatt = "megwatt",
    /// Energy: Gigawatt (GW) (`gwatt`)
    GigaWatt = "gwatt",
    /// Energy: Milliwatt (mW) (`mwatt`)
    MilliWatt = "mwatt",
    /// Energy: Watt per square meter (W/m²) (`Wm2`)
    WattPerSquareMeter = "Wm2",
    /// Energy: Volt-Ampere (VA) (`voltamp`)
    VoltAmpere = "voltamp",
    /// Energy: Kilovolt-Ampere (kVA) (`kvoltamp`)
    KiloVoltAmpere = "kvoltamp",
    /// Energy: Volt-Ampere reactive (VAr) (`voltampreact`)
    VoltAmpereReactive = "voltampreact",
    /// Energy: Kilovolt-Ampere reactive (kVAr) (`kvoltampreact`)
    KiloVoltAmpereReactive = "kvoltampreact",
    /// Energy: Watt-hour (Wh) (`watth`)
    WattHour = "watth",
    /// Energy: Watt-hour per Kilogram (Wh/kg) (`watthperkg`)
    WattHourPerKilogram = "watthperkg",
    /// Energy: Kilowatt-hour (kWh) (`kwatth`)
    KiloWattHour = "kwatth",
    /// Energy: Kilowatt-min (kWm) (`kwattm`)
    KiloWattMinute = "kwattm",
    /// Energy: Megawatt-hour (MWh) (`mwatth`)
    MegaWattHour = "mwatth",
    /// Energy: Ampere-hour (Ah) (`amph`)
    AmpereHour = "amph",
    /// Energy: Kiloampere-hour (kAh) (`kamph`)
    KiloAmpereHour = "kamph",
    /// Energy: Milliampere-hour (mAh) (`mamph`)
    MilliAmpereHour = "mamph",
    /// Energy: Joule (J) (`joule`)
    Joule = "joule",
    /// Energy: Electron volt (eV) (`ev`)
    ElectronVolt = "ev",
    /// Energy: Ampere (A) (`amp`)
    Ampere = "amp",
    /// Energy: Kiloampere (kA) (`kamp`)
    KiloAmpere = "kamp",
    /// Energy: Milliampere (mA) (`mamp`)
    MilliAmpere = "mamp",
    /// Energy: Volt (V) (`volt`)
    Volt = "volt",
    /// Energy: Kilovolt (kV) (`kvolt`)
    KiloVolt = "kvolt",
    /// Energy: Millivolt (mV) (`mvolt`)
    MilliVolt = "mvolt",
    /// Energy: Decibel-milliwatt (dBm) (`dBm`)
    DecibelMilliWatt = "dBm",
    /// Energy: Milliohm (mΩ) (`mohm`)
    MilliOhm = "mohm",
    /// Energy: Ohm (Ω) (`ohm`)
    Ohm = "ohm",
    /// Energy: Kiloohm (kΩ) (`kohm`)
    KiloOhm = "kohm",
    /// Energy: Megaohm (MΩ) (`Mohm`)
    MegaOhm = "Mohm",
    /// Energy: Farad (F) (`farad`)
    Farad = "farad",
    /// Energy: Microfarad (µF) (`µfarad`)
    MicroFarad = "µfarad",
    /// Energy: Nanofarad (nF) (`nfarad`)
    NanoFarad = "nfarad",
    /// Energy: Picofarad (pF) (`pfarad`)
    PicoFarad = "pfarad",
    /// Energy: Femtofarad (fF) (`ffarad`)
    FemtoFarad = "ffarad",
    /// Energy: Henry (H) (`henry`)
    Henry = "henry",
    /// Energy: Millihenry (mH) (`mhenry`)
    MilliHenry = "mhenry",
    /// Energy: Microhenry (µH) (`µhenry`)
    MicroHenry = "µhenry",
    /// Energy: Lumens (Lm) (`lumens`)
    Lumens = "lumens",
    /// Flow: Gallons/min (gpm) (`flowgpm`)
    GallonsPerMinute = "flowgpm",
    /// Flow: Cubic meters/sec (cms) (`flowcms`)
    CubicMetersPerSecond = "flowcms",
    /// Flow: Cubic feet/sec (cfs) (`flowcfs`)
    CubicFeetPerSecond = "flowcfs",
    /// Flow: Cubic feet/min (cfm) (`flowcfm`)
    CubicFeetPerMinute = "flowcfm",
    /// Flow: Litre/hour (`litreh`)
    LitrePerHour = "litreh",
    /// Flow: Litre/min (L/min) (`flowlpm`)
    LitrePerMinute = "flowlpm",
    /// Flow: milliLitre/min (mL/min) (`flowmlpm`)
    MilliLitrePerMinute = "flowmlpm",
    /// Flow: Lux (lx) (`lux`)
    Lux = "lux",
    /// Force: Newton-meters (Nm) (`forceNm`)
    NewtonMeters = "forceNm",
    /// Force: Kilonewton-meters (kNm) (`forcekNm`)
    KiloNewtonMeters = "forcekNm",
    /// Force: Newtons (N) (`forceN`)
    Newtons = "forceN",
    /// Force: Kilonewtons (kN) (`forcekN`)
    KiloNewtons = "forcekN",
    /// Hash rate: hashes/sec (`Hs`)
    HashesPerSecond = "Hs",
    /// Hash rate: kilohashes/sec (`KHs`)
    KiloHashesPerSecond = "KHs",
    /// Hash rate: megahashes/sec (`MHs`)
    MegaHashesPerSecond = "MHs",
    /// Hash rate: gigahashes/sec (`GHs`)
    GigaHashesPerSecond = "GHs",
    /// Hash rate: terahashes/sec (`THs`)
    TeraHashesPerSecond = "THs",
    /// Hash rate: petahashes/sec (`PHs`)
    PetaHashesPerSecond = "PHs",
    /// Hash rate: exahashes/sec (`EHs`)
    ExaHashesPerSecond = "EHs",
    /// Mass: milligram (mg) (`massmg`)
    Milligram = "massmg",
    /// Mass: gram (g) (`massg`)
    Gram = "massg",
    /// Mass: pound (lb) (`masslb`)
    Pound = "masslb",
    /// Mass: kilogram (kg) (`masskg`)
    Kilogram = "masskg",
    /// Mass: metric ton (t) (`masst`)
    MetricTon = "masst",
    /// Length: millimeter (mm) (`lengthmm`)
    Millimeter = "lengthmm",
    /// Length: inch (in) (`lengthin`)
    Inch = "lengthin",
    /// Length: feet (ft) (`lengthft`)
    Feet = "lengthft",
    /// Length: meter (m) (`lengthm`)
    Meter = "lengthm",
    /// Length: kilometer (km) (`lengthkm`)
    Kilometer = "lengthkm",
    /// Length: mile (mi) (`lengthmi`)
    Mile = "lengthmi",
    /// Pressure: Millibars (`pressurembar`)
    Millibars = "pressurembar",
    /// Pressure: Bars (`pressurebar`)
    Bars = "pressurebar",
    /// Pressure: Kilobars (`pressurekbar`)
    Kilobars = "pressurekbar",
    /// Pressure: Pascals (`pressurepa`)
    Pascals = "pressurepa",
    /// Pressure: Hectopascals (`pressurehpa`)
    Hectopascals = "pressurehpa",
    /// Pressure: Kilopascals (`pressurekpa`)
    Kilopascals = "pressurekpa",
    /// Pressure: Inches of mercury (`pressurehg`)
    InchesOfMercury = "pressurehg",
    /// Pressure: PSI (`pressurepsi`)
    PSI = "pressurepsi",
    /// Radiation: Becquerel (Bq) (`radbq`)
    Becquerel = "radbq",
    /// Radiation: curie (Ci) (`radci`)
    Curie = "radci",
    /// Radiation: Gray (Gy) (`radgy`)
    Gray = "radgy",
    /// Radiation: rad (`radrad`)
    Rad = "radrad",
    /// Radiation: Sievert (Sv) (`radsv`)
    Sievert = "radsv",
    /// Radiation: milliSievert (mSv) (`radmsv`)
    Millisievert = "radmsv",
    /// Radiation: microSievert (µSv) (`radusv`)
    Microsievert = "radusv",
    /// Radiation: rem (`radrem`)
    Rem = "radrem",
    /// Radiation: Exposure (C/kg) (`radexpckg`)
    Exposure = "radexpckg",
    /// Radiation: roentgen (R) (`radr`)
    Roentgen = "radr",
    /// Radiation: Sievert/hour (Sv/h) (`radsvh`)
    SievertPerHour = "radsvh",
    /// Radiation: milliSievert/hour (mSv/h) (`radmsvh`)
    MillisievertPerHour = "radmsvh",
    /// Radiation: microSievert/hour (µSv/h) (`radusvh`)
    MicrosievertPerHour = "radusvh",
    /// Rotational Speed: Revolutions per minute (rpm) (`rotrpm`)
    RevolutionsPerMinute = "rotrpm",
    /// Rotational Speed: Hertz (Hz) (`rothz`)
    HertzRotation = "rothz",
    /// Rotational Speed: Kilohertz (kHz) (`rotkhz`)
    KilohertzRotation = "rotkhz",
    /// Rotational Speed: Megahertz (MHz) (`rotmhz`)
    MegahertzRotation = "rotmhz",
    /// Rotational Speed: Gigahertz (GHz) (`rotghz`)
    GigahertzRotation = "rotghz",
    /// Rotational Speed: Radians per second (rad/s) (`rotrads`)
    RadiansPerSecond = "rotrads",
    /// Rotational Speed: Degrees per second (°/s) (`rotdegs`)
    DegreesPerSecond = "rotdegs",
    /// Temperature: Celsius (°C) (`celsius`)
    Celsius = "celsius",
    /// Temperature: Fahrenheit (°F) (`fahrenheit`)
    Fahrenheit = "fahrenheit",
    /// Temperature: Kelvin (K) (`kelvin`)
    Kelvin = "kelvin",
    /// Time: Hertz (1/s) (`hertz`)
    Hertz = "hertz",
    /// Time: nanoseconds (ns) (`ns`)
    Nanoseconds = "ns",
    /// Time: microseconds (µs) (`µs`)
    Microseconds = "µs",
    /// Time: milliseconds (ms) (`ms`)
    Milliseconds = "ms",
    /// Time: seconds (s) (`s`)
    Seconds = "s",
    /// Time: minutes (m) (`m`)
    Minutes = "m",
    /// Time: hours (h) (`h`)
    Hours = "h",
    /// Time: days (d) (`d`)
    Days = "d",
    /// Time: duration (ms) (`dtdurationms`)
    DurationMilliseconds = "dtdurationms",
    /// Time: duration (s) (`dtdurations`)
    DurationSeconds = "dtdurations",
    /// Time: duration (hh:mm:ss) (`dthms`)
    DurationInHoursMinutesSeconds = "dthms",
    /// Time: duration (d hh:mm:ss) (`dtdhms`)
    DurationInDaysHoursMinutesSeconds = "dtdhms",
    /// Time: Timeticks (s/100) (`timeticks`)
    Timeticks = "timeticks",
    /// Time: clock (ms) (`clockms`)
    ClockMilliseconds = "clockms",
    /// Time: clock (s) (`clocks`)
    ClockSeconds = "clocks",
    /// Throughput: counts/sec (cps) (`cps`)
    CountsPerSecond = "cps",
    /// Throughput: ops/sec (ops) (`ops`)
    OpsPerSecond = "ops",
    /// Throughput: requests/sec (rps) (`reqps`)
    RequestsPerSecond = "reqps",
    /// Throughput: reads/sec (rps) (`rps`)
    ReadsPerSecond = "rps",
    /// Throughput: writes/sec (wps) (`wps`)
    WritesPerSecond = "wps",
    /// Throughput: I/O ops/sec (iops) (`iops`)
    IOOpsPerSecond = "iops",
    /// Throughput: events/sec (eps) (`eps`)
    EventsPerSecond = "eps",
    /// Throughput: messages/sec (mps) (`mps`)
    MessagesPerSecond = "mps",
    /// Throughput: records/sec (rps) (`recps`)
    RecordsPerSecond = "recps",
    /// Throughput: rows/sec (rps) (`rowsps`)
    RowsPerSecond = "rowsps",
    /// Throughput: counts/min (cpm) (`cpm`)
    CountsPerMinute = "cpm",
    /// Throughput: ops/min (opm) (`opm`)
    OpsPerMinute = "opm",
    /// Throughput: requests/min (rpm) (`reqpm`)
    RequestsPerMinute = "reqpm",
    /// Throughput: reads/min (rpm) (`rpm`)
    ReadsPerMinute = "rpm",
    /// Throughput: writes/min (wpm) (`wpm`)
    WritesPerMinute = "wpm",
    /// Throughput: events/min (epm) (`epm`)
    EventsPerMinute = "epm",
    /// Throughput: messages/min (mpm) (`mpm`)
    MessagesPerMinute = "mpm",
    /// Throughput: records/min (rpm) (`recpm`)
    RecordsPerMinute = "recpm",
    /// Throughput: rows/min (rpm) (`rowspm`)
    RowsPerMinute = "rowspm",
    /// Velocity: meters/second (m/s) (`velocityms`)
    MetersPerSecond = "velocityms",
    /// Velocity: kilometers/hour (km/h) (`velocitykmh`)
    KilometersPerHour = "velocitykmh",
    /// Velocity: miles/hour (mph) (`velocitymph`)
    MilesPerHour = "velocitymph",
    /// Velocity: knot (kn) (`velocityknot`)
    Knot = "velocityknot",
    /// Volume: millilitre (mL) (`mlitre`)
    Millilitre = "mlitre",
    /// Volume: litre (L) (`litre`)
    Litre = "litre",
    /// Volume: cubic meter (`m3`)
    CubicMeter = "m3",
    /// Volume: Normal cubic meter (`Nm3`)
    NormalCubicMeter = "Nm3",
    /// Volume: cubic decimeter (`dm3`)
    CubicDecimeter = "dm3",
    /// Volume: gallons (`gallons`)
    Gallons = "gallons",
    /// Boolean: True / False (`bool`)
    Bool = "bool",
    /// Boolean: Yes / No (`bool_yes_no`)
    BoolYesNo = "bool_yes_no",
    /// Boolean: On / Off (`bool_on_off`)
    BoolOnOff = "bool_on_off",
}

/// A unit id outside Grafana's units kind, kept as written (see [`Unit::Custom`]).
///
/// ```
/// use dashboard_model::unit::{CustomForm, Unit};
/// let Unit::Custom(c) = Unit::from_id("count:req") else { unreachable!() };
/// assert_eq!((c.id(), c.form()), ("count:req", CustomForm::Count("req")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomUnit(String);

/// How Grafana displays a custom unit: what `getValueFormat` in grafana/grafana
/// `packages/grafana-data/src/valueFormats/valueFormats.ts` does with an id its index of
/// units does not hold. The id splits at its first `:` into a form and its argument; an id
/// with no known form is shown as itself after the number, like a suffix.
///
/// ```
/// use dashboard_model::unit::{CustomForm, Unit};
/// let form = |id: &str| match Unit::from_id(id) { Unit::Custom(c) => format!("{:?}", c.form()), known => format!("known {}", known.id()) };
/// assert_eq!(form("bool:Up/Down"), r#"Bool { truthy: "Up", falsy: "Down" }"#);
/// assert_eq!(form("furlongs"), r#"Unknown("furlongs")"#);
/// assert_eq!(form("s"), "known s");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomForm<'a> {
    /// `prefix:<text>`: the text before the number, no space.
    Prefix(&'a str),
    /// `suffix:<text>`: the text after the number and a space.
    Suffix(&'a str),
    /// `si:<unit>`: scaled with SI prefixes (k, M, G… and m, µ, n…). A first character
    /// that is itself an SI prefix says the raw values are in that multiple (`si:kB`).
    Si(&'a str),
    /// `count:<text>`: scaled to K, M, B, T, then the text after a space.
    Count(&'a str),
    /// `currency:<symbol>`: the symbol before the number, scaled to K, M, B, T.
    Currency(&'a str),
    /// `time:<format>`: the value is a timestamp, shown as a date in this format.
    Time(&'a str),
    /// `bool:<truthy>/<falsy>`: a non-zero value shows `truthy`, zero `falsy` (`-` when
    /// the id has no `/`).
    Bool {
        /// What a non-zero value shows.
        truthy: &'a str,
        /// What zero shows.
        falsy: &'a str,
    },
    /// An old id Grafana still resolves to a listed unit (`farenheit`).
    Alias(Unit),
    /// The empty id: no unit at all.
    Empty,
    /// Any other id: Grafana shows it after the number and a space.
    Unknown(&'a str),
}

impl CustomUnit {
    /// The id as Grafana stores it.
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::prefix("€").custom().map(|c| c.id()), Some("prefix:€"));
    /// ```
    pub fn id(&self) -> &str {
        &self.0
    }

    /// What Grafana makes of the id (see [`CustomForm`]).
    ///
    /// ```
    /// use dashboard_model::unit::{CustomForm, Unit};
    /// assert_eq!(Unit::si("B").custom().unwrap().form(), CustomForm::Si("B"));
    /// ```
    pub fn form(&self) -> CustomForm<'_> {
        let id = self.0.as_str();
        if id.is_empty() {
            return CustomForm::Empty;
        }
        if id == "farenheit" {
            return CustomForm::Alias(Unit::Fahrenheit);
        }
        // Grafana splits at the first `:` only when something stands before it.
        let Some((key, arg)) = id.split_once(':').filter(|(key, _)| !key.is_empty()) else {
            return CustomForm::Unknown(id);
        };
        match key {
            "prefix" => CustomForm::Prefix(arg),
            "suffix" => CustomForm::Suffix(arg),
            "si" => CustomForm::Si(arg),
            "count" => CustomForm::Count(arg),
            "currency" => CustomForm::Currency(arg),
            "time" => CustomForm::Time(arg),
            "bool" => {
                let (truthy, falsy) = arg.split_once('/').unwrap_or((arg, "-"));
                CustomForm::Bool { truthy, falsy }
            }
            _ => CustomForm::Unknown(id),
        }
    }
}

/// A custom unit that Grafana would not read the way it was meant.
///
/// ```
/// let e = dashboard_model::Unit::bool("on/off", "idle").unwrap_err();
/// assert!(e.to_string().contains("`/`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// Grafana splits `bool:` at the first `/`, so the truthy text cannot hold one.
    #[error("the truthy text {truthy:?} of a bool unit contains `/`: Grafana splits `bool:{truthy}/{falsy}` at its first `/` and would show {shown:?} for non-zero values. Use a text without `/`, or a value mapping")]
    SlashInTruthy {
        /// The truthy text given.
        truthy: String,
        /// The falsy text given.
        falsy: String,
        /// What Grafana would show instead.
        shown: String,
    },
}

// The custom forms' ids all hold a `:` after a non-empty key, and no listed id holds a
// `:` (a test checks), so these never make a `Custom` that shadows a listed unit.
impl Unit {
    fn custom_form(key: &str, arg: &str) -> Unit {
        Unit::Custom(CustomUnit(format!("{key}:{arg}")))
    }

    /// `suffix:<text>`: the number, a space, then `text` (`12 req`).
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::suffix("req").id(), "suffix:req");
    /// ```
    pub fn suffix(text: &str) -> Unit {
        Unit::custom_form("suffix", text)
    }

    /// `prefix:<text>`: `text` right before the number (`€12`).
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::prefix("€").id(), "prefix:€");
    /// ```
    pub fn prefix(text: &str) -> Unit {
        Unit::custom_form("prefix", text)
    }

    /// `si:<unit>`: scaled with SI prefixes (`1.2 kreq`). A first character of `unit` that
    /// is an SI prefix (f p n µ m c d h k M G T P E Z Y) says the raw values are already in
    /// that multiple: `Unit::si("kB")` shows 1500 as `1.5 MB`.
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::si("req").id(), "si:req");
    /// ```
    pub fn si(unit: &str) -> Unit {
        Unit::custom_form("si", unit)
    }

    /// `count:<text>`: scaled to K, M, B, T, then `text` (`1.2K rows`).
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::count("rows").id(), "count:rows");
    /// ```
    pub fn count(text: &str) -> Unit {
        Unit::custom_form("count", text)
    }

    /// `currency:<symbol>`: `symbol` before the number, scaled to K, M, B, T (`₿1.2K`).
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::currency("₿").id(), "currency:₿");
    /// ```
    pub fn currency(symbol: &str) -> Unit {
        Unit::custom_form("currency", symbol)
    }

    /// `time:<format>`: the value is a timestamp, shown as a date in Grafana's date
    /// `format` (`YYYY-MM-DD HH:mm`).
    ///
    /// ```
    /// assert_eq!(dashboard_model::Unit::time("YYYY-MM-DD").id(), "time:YYYY-MM-DD");
    /// ```
    pub fn time(format: &str) -> Unit {
        Unit::custom_form("time", format)
    }

    /// `bool:<truthy>/<falsy>`: `truthy` for a non-zero value, `falsy` for zero. An error
    /// when `truthy` holds a `/`, which Grafana would take for the separator.
    ///
    /// ```
    /// use dashboard_model::Unit;
    /// assert_eq!(Unit::bool("Up", "Down").unwrap().id(), "bool:Up/Down");
    /// assert!(Unit::bool("a/b", "c").is_err());
    /// ```
    pub fn bool(truthy: &str, falsy: &str) -> Result<Unit, UnitError> {
        if let Some((shown, _)) = truthy.split_once('/') {
            return Err(UnitError::SlashInTruthy {
                truthy: truthy.to_string(),
                falsy: falsy.to_string(),
                shown: shown.to_string(),
            });
        }
        Ok(Unit::custom_form("bool", &format!("{truthy}/{falsy}")))
    }

    /// The custom unit, `None` for a unit of Grafana's units kind.
    ///
    /// ```
    /// use dashboard_model::Unit;
    /// assert!(Unit::Seconds.custom().is_none());
    /// assert_eq!(Unit::from_id("furlongs").custom().map(|c| c.id()), Some("furlongs"));
    /// ```
    pub fn custom(&self) -> Option<&CustomUnit> {
        match self {
            Unit::Custom(c) => Some(c),
            _ => None,
        }
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Grafana takes any string as a unit, so any string reads: an id it does not
        // know is shown as itself, and a dashboard holding one must still be checked.
        let id = String::deserialize(d)?;
        Ok(Unit::from_id(&id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(id: &str) -> (Unit, String) {
        let json = serde_json::to_string(id).unwrap();
        let unit: Unit = serde_json::from_str(&json).unwrap();
        let written = serde_json::to_string(&unit).unwrap();
        (unit, written)
    }

    #[test]
    fn every_custom_form_and_unknown_ids_read_back_byte_identically() {
        for id in [
            "suffix:req",
            "prefix:€",
            "si:kB",
            "count:rows",
            "currency:₿",
            "time:YYYY-MM-DD",
            "bool:Up/Down",
            "bool:Up",
            "farenheit",
            "furlongs",
            "nope:x",
            ":x",
            "",
            "suffix:",
            "Suffix:req",
        ] {
            let (unit, written) = read_back(id);
            assert_eq!(written, serde_json::to_string(id).unwrap(), "{id}");
            assert_eq!(unit.id(), id);
            assert!(unit.custom().is_some(), "{id} is not a listed unit");
        }
    }

    #[test]
    fn listed_ids_read_as_their_variant() {
        let (unit, written) = read_back("percentunit");
        assert_eq!(
            (unit, written.as_str()),
            (Unit::PercentUnit, "\"percentunit\"")
        );
    }

    #[test]
    fn forms_follow_grafana() {
        // Owned, so the form can borrow from a unit that outlives the closure call.
        fn form(id: &str) -> CustomForm<'static> {
            let unit: &'static Unit = Box::leak(Box::new(Unit::from_id(id)));
            unit.custom().unwrap().form()
        }
        assert_eq!(form("suffix:req"), CustomForm::Suffix("req"));
        assert_eq!(form("prefix:€"), CustomForm::Prefix("€"));
        assert_eq!(form("si:kB"), CustomForm::Si("kB"));
        assert_eq!(form("count:rows"), CustomForm::Count("rows"));
        assert_eq!(form("currency:₿"), CustomForm::Currency("₿"));
        assert_eq!(form("time:YYYY"), CustomForm::Time("YYYY"));
        assert_eq!(
            form("bool:Up/Down/Out"),
            CustomForm::Bool {
                truthy: "Up",
                falsy: "Down/Out"
            }
        );
        assert_eq!(
            form("bool:Up"),
            CustomForm::Bool {
                truthy: "Up",
                falsy: "-"
            }
        );
        assert_eq!(form("farenheit"), CustomForm::Alias(Unit::Fahrenheit));
        assert_eq!(form(""), CustomForm::Empty);
        // A colon first, or a form Grafana does not know: the whole id as a suffix.
        assert_eq!(form(":x"), CustomForm::Unknown(":x"));
        assert_eq!(form("per:req"), CustomForm::Unknown("per:req"));
        assert_eq!(form("furlongs"), CustomForm::Unknown("furlongs"));
    }

    #[test]
    fn constructors_make_the_forms_they_name() {
        assert_eq!(
            Unit::suffix("a b").custom().unwrap().form(),
            CustomForm::Suffix("a b")
        );
        assert_eq!(Unit::prefix("$").id(), "prefix:$");
        assert_eq!(
            Unit::bool("on", "off/idle").unwrap().id(),
            "bool:on/off/idle"
        );
        let e = Unit::bool("on/off", "x").unwrap_err();
        assert_eq!(
            e,
            UnitError::SlashInTruthy {
                truthy: "on/off".into(),
                falsy: "x".into(),
                shown: "on".into()
            }
        );
    }

    #[test]
    fn no_listed_id_holds_a_colon_so_custom_forms_never_shadow_one() {
        for id in LISTED_IDS {
            assert!(!id.contains(':'), "{id}");
            assert!(Unit::from_id(id).custom().is_none(), "{id}");
        }
    }

    #[test]
    fn a_unit_that_is_not_a_string_is_an_error() {
        assert!(serde_json::from_str::<Unit>("7").is_err());
    }
}
